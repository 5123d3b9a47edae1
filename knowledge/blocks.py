"""StreamField blocks of knowledge articles and topic packs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link", "blockquote"]


class LawArticleBlock(blocks.StructBlock):
    """法条引用：法律名称、条号、条文（或其大意）。"""

    law_name = blocks.CharBlock(label=_("法律法规名称"), max_length=100, help_text=_("如：中华人民共和国民法典"))
    article_number = blocks.CharBlock(label=_("条号"), max_length=40, help_text=_("如：第二百七十八条"))
    text = blocks.TextBlock(label=_("条文"))

    class Meta:
        icon = "openquote"
        label = _("法条引用")
        template = "knowledge/blocks/law_article.html"


class CaseFactsBlock(blocks.StructBlock):
    """案例：标题、案情、处理结果。"""

    title = blocks.CharBlock(label=_("案例标题"), max_length=120)
    facts = blocks.TextBlock(label=_("案情"))
    outcome = blocks.TextBlock(label=_("处理结果"))

    class Meta:
        icon = "list-ul"
        label = _("案例")
        template = "knowledge/blocks/case_facts.html"


class TemplateDocumentBlock(blocks.StructBlock):
    """可下载的文书模板。"""

    title = blocks.CharBlock(label=_("模板名称"), max_length=120)
    document = DocumentChooserBlock(label=_("模板文件"))
    description = blocks.TextBlock(label=_("使用说明"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("文书模板")
        template = "knowledge/blocks/template_document.html"


class VideoLessonBlock(blocks.StructBlock):
    """微课：3–5 分钟的视频，给出视频地址或上传的视频文件。"""

    title = blocks.CharBlock(label=_("微课标题"), max_length=120)
    url = blocks.URLBlock(label=_("视频地址"), required=False, search_index=False)
    document = DocumentChooserBlock(label=_("视频文件"), required=False)
    duration = blocks.IntegerBlock(
        label=_("时长（分钟）"), min_value=1, max_value=60, help_text=_("3–5 分钟为宜"), search_index=False
    )

    class Meta:
        icon = "media"
        label = _("微课")
        template = "knowledge/blocks/video_lesson.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("url") and not value.get("document"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("请填写视频地址或选择视频文件"))}
            )
        return value


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("正文"), features=RICH_TEXT_FEATURES)
    law_article = LawArticleBlock()
    case_facts = CaseFactsBlock()
    template_document = TemplateDocumentBlock()
    video_lesson = VideoLessonBlock()


class TopicItemsBlock(blocks.StreamBlock):
    """专题包的条目：文章、文书模板、案例（页面选择器），以及直接挂的文件。"""

    article = blocks.PageChooserBlock(label=_("文章"), page_type="knowledge.ArticlePage")
    template = blocks.PageChooserBlock(label=_("文书模板"), page_type="knowledge.ArticlePage")
    case = blocks.PageChooserBlock(label=_("案例"), page_type="knowledge.ArticlePage")
    document = DocumentChooserBlock(label=_("文件"))

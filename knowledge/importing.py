"""Reading knowledge articles from Markdown files with YAML front matter.

    ---
    title: 小区维修基金使用办法
    tier: basic            # basic | advanced | expert
    kind: guide            # law | bylaws | guide | case | expert_solution | dispute | template | lesson | topic
    section: knowledge     # knowledge (知识社区) | legal (普法阵地)
    tags: [维修资金, 公示]  # optional; a list or a comma-separated string
    summary: 一句话摘要       # optional; else the first paragraph
    case:                  # optional: a 案例 block (title, facts, outcome)
      title: …
      facts: …
      outcome: …
    attachments:           # optional: files next to the .md, attached as 文书模板 blocks
      - file: files/会议纪要模板.txt
        title: 业主大会会议纪要模板
        description: …
    video:                 # optional: a 微课 block
      title: …
      url: https://…
      duration: 4
    ---
    Markdown body …

    > 《中华人民共和国民法典》第二百七十八条：条文或大意……

A block quote that starts with 《法律名称》第…条 becomes a 法条引用 block; everything else is
converted to rich text with the `markdown` package. Problems are `ImportProblem`s with a
Chinese reason; nothing here writes to the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

from .models import Kind, Section, Tier

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
LAW_QUOTE = re.compile(
    r"^\s*(?:\*\*)?《(?P<law>[^》]{2,60})》\s*(?P<number>第[零〇一二三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?)"
    r"(?:\*\*)?\s*[：:]?\s*(?P<text>.*)\Z",
    re.DOTALL,
)
MAX_FILE_BYTES = 2 * 1024 * 1024


class ImportProblem(Exception):
    """A file that cannot be imported; `reason` is for people (Chinese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Attachment:
    path: Path
    title: str
    description: str = ""


@dataclass
class ParsedArticle:
    title: str
    section: str
    tier: str
    kind: str
    summary: str
    tags: list[str]
    blocks: list[dict]  # raw StreamField data, documents still to attach
    attachments: list[Attachment] = field(default_factory=list)
    video: dict | None = None
    case: dict | None = None


def _choice(meta: dict, key: str, choices, label: str, default=None) -> str:
    value = meta.get(key, default)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ImportProblem(f"缺少{label}（{key}）（可选：{'、'.join(choices.values)}）")
    value = str(value).strip().lower()
    if value not in choices.values:
        raise ImportProblem(f"未知的{label}（{key}）：{value}（可选：{'、'.join(choices.values)}）")
    return value


def _text(value, label: str, *, required: bool = True, max_length: int | None = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, (str, int, float)):
        raise ImportProblem(f"{label}应为文字")
    text = str(value).strip()
    if required and not text:
        raise ImportProblem(f"{label}为空")
    if max_length and len(text) > max_length:
        raise ImportProblem(f"{label}过长（最多 {max_length} 字）")
    return text


def _tags(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = re.split(r"[,，、;；]", value)
    elif isinstance(value, list):
        items = value
    else:
        raise ImportProblem("标签（tags）应为列表或以逗号分隔的文字")
    tags = []
    for item in items:
        if not isinstance(item, (str, int, float)):
            raise ImportProblem("标签（tags）里只能是文字")
        tag = str(item).strip()
        if tag and tag not in tags:
            if len(tag) > 100:
                raise ImportProblem(f"标签过长：{tag[:20]}…")
            tags.append(tag)
    return tags


def markdown_to_rich_text(source: str) -> str:
    """Markdown → the HTML subset Wagtail's rich text stores (h2–h4, b, i, lists, links, quotes)."""
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    html = re.sub(r"<(/?)h[56]>", r"<\1h4>", html)
    html = re.sub(r"<(/?)strong>", r"<\1b>", html)
    html = re.sub(r"<(/?)em>", r"<\1i>", html)
    html = re.sub(r"</?code>", "", html)
    return html.strip()


def _split_body(source: str) -> list[tuple[str, str]]:
    """Split Markdown into ("markdown", text) and ("quote", text) runs."""
    runs: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        kind = "quote" if line.lstrip().startswith(">") else "markdown"
        if kind == "quote":
            line = re.sub(r"^\s*>\s?", "", line)
        elif runs and runs[-1][0] == "quote" and line.strip() == "":
            kind = "markdown"
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return [(kind, "\n".join(lines)) for kind, lines in runs]


def body_blocks(source: str) -> list[dict]:
    """Markdown body → raw StreamField data (paragraph and law_article blocks)."""
    blocks: list[dict] = []
    pending: list[str] = []

    def flush():
        text = "\n\n".join(pending).strip()
        pending.clear()
        if text:
            html = markdown_to_rich_text(text)
            if html:
                blocks.append({"type": "paragraph", "value": html})

    for kind, text in _split_body(source):
        if kind == "quote":
            match = LAW_QUOTE.match(text.strip())
            if match and match.group("text").strip():
                flush()
                quoted = re.sub(r"\s*\n\s*", "\n", match.group("text").strip())
                blocks.append(
                    {
                        "type": "law_article",
                        "value": {
                            "law_name": match.group("law").strip(),
                            "article_number": match.group("number"),
                            "text": quoted,
                        },
                    }
                )
                continue
            pending.append("\n".join("> " + line for line in text.splitlines()))
        else:
            pending.append(text)
    flush()
    return blocks


def _first_paragraph_text(blocks: list[dict]) -> str:
    for block in blocks:
        if block["type"] == "paragraph":
            match = re.search(r"<p>(.*?)</p>", block["value"], re.DOTALL)
            if match:
                text = re.sub(r"<[^>]+>", "", match.group(1)).strip()
                if text:
                    return text[:140]
    return ""


def _case(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ImportProblem("案例（case）应包含 title、facts、outcome")
    return {
        "title": _text(value.get("title"), "案例标题（case.title）", max_length=120),
        "facts": _text(value.get("facts"), "案情（case.facts）"),
        "outcome": _text(value.get("outcome"), "处理结果（case.outcome）"),
    }


def _video(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ImportProblem("微课（video）应包含 title、url、duration")
    url = _text(value.get("url"), "视频地址（video.url）", required=False)
    if url and not re.match(r"^https?://", url):
        raise ImportProblem("视频地址（video.url）应以 http:// 或 https:// 开头")
    try:
        duration = int(value.get("duration"))
    except (TypeError, ValueError):
        raise ImportProblem("微课时长（video.duration）应为分钟数") from None
    if not 1 <= duration <= 60:
        raise ImportProblem("微课时长（video.duration）应在 1–60 分钟之间")
    if not url:
        raise ImportProblem("微课（video）缺少视频地址（url）")
    return {"title": _text(value.get("title"), "微课标题（video.title）", max_length=120), "url": url, "duration": duration}


def _attachments(value, base: Path) -> list[Attachment]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem("附件（attachments）应为列表")
    found = []
    for item in value:
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, dict) or not item.get("file"):
            raise ImportProblem("每个附件须给出文件（file）")
        path = (base / str(item["file"])).resolve()
        if not path.is_file():
            raise ImportProblem(f"附件不存在：{item['file']}")
        title = _text(item.get("title") or path.stem, "附件标题", max_length=255)
        found.append(Attachment(path=path, title=title, description=_text(item.get("description"), "附件说明", required=False)))
    return found


def parse_markdown_file(path: Path) -> ParsedArticle:
    """Parse one file; raises ImportProblem with a Chinese reason when it cannot be imported."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportProblem("文件过大（超过 2 MB）")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"无法读取文件：{exc.strerror or exc}") from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportProblem("文件不是 UTF-8 编码") from None
    match = FRONT_MATTER.match(source)
    if not match:
        raise ImportProblem("缺少 YAML 头信息（文件须以 --- 开头，并以 --- 结束头信息）")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 2} 行" if mark is not None else ""
        raise ImportProblem(f"YAML 头信息格式错误{where}") from None
    if not isinstance(meta, dict):
        raise ImportProblem("YAML 头信息应为“键: 值”的形式")

    title = _text(meta.get("title"), "标题（title）", max_length=255)
    tier = _choice(meta, "tier", Tier, "层级")
    kind = _choice(meta, "kind", Kind, "类型")
    section = _choice(meta, "section", Section, "栏目")
    tags = _tags(meta.get("tags"))
    case = _case(meta.get("case"))
    video = _video(meta.get("video"))
    attachments = _attachments(meta.get("attachments"), path.parent)

    blocks = body_blocks(match.group(2))
    if not blocks and not case and not attachments and not video:
        raise ImportProblem("正文为空")
    summary = _text(meta.get("summary"), "摘要（summary）", required=False, max_length=300) or _first_paragraph_text(blocks)
    return ParsedArticle(
        title=title, section=section, tier=tier, kind=kind, summary=summary, tags=tags, blocks=blocks,
        attachments=attachments, video=video, case=case,
    )

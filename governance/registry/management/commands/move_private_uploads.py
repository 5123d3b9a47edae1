"""Move the private uploads of an existing deployment out of MEDIA_ROOT (run once after upgrading).

Proofs, roster import files, motion attachments, ballot scans and signatures, and candidates'
signatures used to be stored in the default (public) storage under MEDIA_ROOT. Their fields now
store into the private storage (`portal.storage.private_storage`); this command moves each file a
row still names from the default storage to the private one, under the same name, and deletes the
public copy. Safe to run again: a file already in the private storage is left alone (a public copy
with the same bytes left by an interrupted run is deleted), and a file found nowhere is reported.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from governance.registry.private_files import PRIVATE_FILE_FIELDS


def _same_bytes(first, second, name: str) -> bool:
    with first.open(name, "rb") as a, second.open(name, "rb") as b:
        while True:
            chunk_a, chunk_b = a.read(1 << 16), b.read(1 << 16)
            if chunk_a != chunk_b:
                return False
            if not chunk_a:
                return True


def _location(storage) -> Path | None:
    location = getattr(storage, "location", None)
    return Path(location).resolve() if location else None


class Command(BaseCommand):
    help = "把已有的证明材料、名册文件、议事附件、表决票扫描件和签名从 MEDIA_ROOT 移到私有目录（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只报告将移动哪些文件，不做任何改动")

    def handle(self, *args, dry_run: bool = False, **options):
        public = default_storage
        counts: Counter[str] = Counter()
        fields = [(apps.get_model(label), field_name) for label, field_name in PRIVATE_FILE_FIELDS]
        for model, field_name in fields:  # every root is checked before anything moves
            self._refuse_public_private_root(public, model._meta.get_field(field_name).storage,
                                             f"{model._meta.label}.{field_name}")
        for model, field_name in fields:
            private = model._meta.get_field(field_name).storage
            names = (model.objects.exclude(**{field_name: ""}).order_by(field_name)
                     .values_list(field_name, flat=True).distinct())
            for name in names:
                counts[self._move_one(model, field_name, name, public=public, private=private, dry_run=dry_run)] += 1
        verb = "将移动" if dry_run else "已移动"
        self.stdout.write(
            f"{verb} {counts['moved']} 个文件；已在私有目录 {counts['private'] + counts['cleaned']} 个"
            f"（其中清理公开副本 {counts['cleaned']} 个）；找不到 {counts['missing']} 个；"
            f"公开副本与私有文件不一致 {counts['conflict']} 个。"
        )

    def _refuse_public_private_root(self, public, private, what: str) -> None:
        public_root, private_root = _location(public), _location(private)
        if private is public or (public_root and private_root and private_root.is_relative_to(public_root)):
            raise CommandError(f"{what} 的私有目录位于 MEDIA_ROOT 之内，文件仍可被公开访问：请设置 PRIVATE_MEDIA_ROOT。")

    def _move_one(self, model, field_name: str, name: str, *, public, private, dry_run: bool) -> str:
        what = f"{model._meta.label}.{field_name}"
        if private.exists(name):
            if not public.exists(name):
                return "private"
            if not _same_bytes(public, private, name):
                self.stderr.write(f"不一致，未处理：{what} {name}（MEDIA_ROOT 中的副本与私有文件内容不同）")
                return "conflict"
            if not dry_run:
                public.delete(name)
            self.stdout.write(f"{'将清理' if dry_run else '已清理'}公开副本：{what} {name}")
            return "cleaned"
        if not public.exists(name):
            self.stderr.write(f"找不到文件：{what} {name}")
            return "missing"
        if not dry_run:
            with public.open(name, "rb") as handle:
                saved = private.save(name, File(handle, name=name))
            if saved != name:  # another file took the name meanwhile: point the rows at the copy
                model.objects.filter(**{field_name: name}).update(**{field_name: saved})
            public.delete(name)
        self.stdout.write(f"{'将移动' if dry_run else '已移动'}：{what} {name}")
        return "moved"

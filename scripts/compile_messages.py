"""Compile every locale/**/*.po of the project into its .mo, with the standard library only.

`make run` and `make test` call it from the install step, so a fresh machine needs no GNU gettext
(Django's compilemessages shells out to msgfmt). Fuzzy and untranslated entries are left out, as msgfmt
does. Usage: python scripts/compile_messages.py [LOCALE_DIR ...] (default: the project's locale/).
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class PoError(ValueError):
    pass


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise PoError(f"{where}：字符串应以双引号包围：{text}")
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr ({index: text}) and fuzzy."""
    entries: list[dict] = []
    entry: dict = {}
    field: tuple | None = None

    def finish():
        nonlocal entry, field
        if "msgid" in entry:
            entries.append(entry)
        entry, field = {}, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if "msgid" in entry and field is not None:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        if line.startswith('"'):
            if field is None:
                raise PoError(f"{where}：续行前没有 msgid/msgstr")
            key, index = field
            if key == "msgstr":
                entry["msgstr"][index] += _unquote(line, where)
            else:
                entry[key] += _unquote(line, where)
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
            finish()
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry[keyword] = _unquote(value, where)
            field = (keyword, None)
        elif keyword == "msgstr" or keyword.startswith("msgstr["):
            index = 0 if keyword == "msgstr" else int(keyword[len("msgstr["):-1])
            entry.setdefault("msgstr", {})[index] = _unquote(value, where)
            field = ("msgstr", index)
        else:
            raise PoError(f"{where}：无法识别的行：{raw}")
    finish()
    return entries


def compile_mo(entries: list[dict]) -> bytes:
    """The GNU .mo bytes of the translated, non-fuzzy entries (the header, msgid "", always kept)."""
    catalog: dict[bytes, bytes] = {}
    for entry in entries:
        msgstr = entry.get("msgstr", {})
        is_header = entry["msgid"] == "" and "msgctxt" not in entry
        if not is_header and (entry.get("fuzzy") or not all(msgstr.values()) or not msgstr):
            continue
        key = entry["msgid"]
        if "msgid_plural" in entry:
            key += "\0" + entry["msgid_plural"]
        if "msgctxt" in entry:
            key = entry["msgctxt"] + "\x04" + key
        value = "\0".join(msgstr[index] for index in sorted(msgstr))
        catalog[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(catalog)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(catalog[k] + b"\0" for k in keys)
    header_size = 7 * 4
    ids_start = header_size + 16 * len(keys)
    strs_start = ids_start + len(ids)
    offsets_ids, offsets_strs = [], []
    position = 0
    for k in keys:
        offsets_ids += [len(k), ids_start + position]
        position += len(k) + 1
    position = 0
    for k in keys:
        offsets_strs += [len(catalog[k]), strs_start + position]
        position += len(catalog[k]) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size, header_size + 8 * len(keys), 0, 0)
    table = struct.pack(f"<{len(offsets_ids)}I", *offsets_ids) + struct.pack(f"<{len(offsets_strs)}I", *offsets_strs)
    return header + table + ids + strs


def compile_dir(locale_dir: Path) -> list[Path]:
    written = []
    for po in sorted(locale_dir.glob("**/*.po")):
        mo = po.with_suffix(".mo")
        data = compile_mo(parse_po(po))
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [ROOT / "locale"]
    try:
        for directory in dirs:
            for mo in compile_dir(directory):
                print(f"已编译 {mo.relative_to(ROOT) if mo.is_relative_to(ROOT) else mo}")
    except PoError as error:
        print(f"翻译文件有误：{error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

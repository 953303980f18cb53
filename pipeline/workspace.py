"""`studykit init DIR`: a workspace with its settings, folders and copies of the templates."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.config import CONFIG_NAME, DEFAULT_TOML
from pipeline.errors import OutputError, UsageProblem
from pipeline.i18n import _, ngettext
from pipeline.templating import builtin_templates_dir

TEMPLATE_KINDS = ("handout", "booklet", "slides")
# Scripts and caches beside the built-in templates that are not templates.
_NOT_TEMPLATES = (".py", ".pyc")


def builtin_template_files() -> list[tuple[str, Path]]:
    """(``kind/name``, path) of every built-in template, in a stable order."""
    root = builtin_templates_dir()
    found: list[tuple[str, Path]] = []
    for kind in TEMPLATE_KINDS:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and path.suffix not in _NOT_TEMPLATES \
                    and not any(p.startswith((".", "__")) for p in rel.parts):
                found.append((f"{kind}/{rel.as_posix()}", path))
    return found


def init_workspace(folder: Path, force: bool = False) -> list[Path]:
    """Create the workspace; returns the files written.

    Refuses (before writing anything) when any file it would write exists,
    unless ``force``; existing sources and outputs are never touched.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(_("{folder}: exists and is not a folder: name a new or an existing "
                             "folder").format(folder=folder))
    plan: list[tuple[Path, Path | None]] = [(folder / CONFIG_NAME, None)]
    plan += [(folder / "templates" / name, src) for name, src in builtin_template_files()]
    existing = [dst for dst, _ in plan if dst.exists()]
    if existing and not force:
        shown = ", ".join(str(p) for p in existing[:3]) + (" …" if len(existing) > 3 else "")
        raise UsageProblem(ngettext(
            "{folder}: would overwrite {n} existing file ({files}); use --force to replace it",
            "{folder}: would overwrite {n} existing files ({files}); use --force to replace them",
            len(existing)).format(folder=folder, n=len(existing), files=shown))
    written: list[Path] = []
    try:
        for sub in ("source", "output", "templates"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        for dst, src in plan:
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src is None:
                dst.write_text(DEFAULT_TOML, encoding="utf-8")
            else:
                shutil.copyfile(src, dst)
            written.append(dst)
    except OSError as exc:
        raise OutputError(_("cannot create workspace {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc)) from exc
    return written


def save_corrections(root: Path, name: str, corrections) -> Path:
    """Write one source's corrections into ``root/studykit.toml`` as ``[articles."NAME"]``
    (empty corrections remove the table), keeping the file's comments and layout.

    The result is read back with the same checks as ``load_config`` before it
    replaces the file, so the page can never leave a workspace it cannot read.
    """
    import tomlkit

    from pipeline.config import config_from_dict, load_config
    from pipeline.outputs import write_atomic

    path = Path(root) / CONFIG_NAME
    load_config(root)  # the file as it is must be valid: its mistakes are the user's to fix
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    articles = doc.get("articles")
    if articles is None:
        articles = tomlkit.table(is_super_table=True)
        doc["articles"] = articles
    values = corrections.to_dict() if corrections else {}
    if values:
        table = tomlkit.table()
        for key, value in values.items():
            if key == "levels":
                inline = tomlkit.inline_table()
                inline.update(value)
                table[key] = inline
            else:
                table[key] = value
        articles[name] = table
    elif name in articles:
        del articles[name]
    if not articles:
        del doc["articles"]
    text = tomlkit.dumps(doc)
    config_from_dict(tomlkit.loads(text).unwrap(), root=Path(root), where=str(path))
    write_atomic(path, text)
    return path

"""Compile the translation catalogues, `jobboard/locale/*/LC_MESSAGES/django.po`, to `.mo` files.

`python -m jobboard.catalogues`, run by `make run` and `make test`. Django's `compilemessages` does the same
but needs GNU gettext's `msgfmt`, which a fresh machine may lack; polib is pure Python. The `.mo` files are
build output (ignored by git): a catalogue is compiled again only when its `.po` is newer than its `.mo`.
Fuzzy entries are left out of the `.mo`, as `msgfmt` leaves them out.

After changing strings in the code, update the catalogues (this step does need GNU gettext), translate
the new entries in both, and check with `pytest tests/test_translations.py`:

    DJANGO_DEBUG=1 python manage.py makemessages -l nl -l fr --add-location=file --no-obsolete \
        -i .venv -i tests -i var -i staticfiles
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> tuple[int, int]:
    """Compile every stale `django.po` under `locale_dir`; return (compiled, already up to date)."""
    compiled = fresh = 0
    for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime_ns > po_path.stat().st_mtime_ns:
            fresh += 1
            continue
        # Written aside then renamed, so a running server never reads half a file.
        partial = mo_path.with_name("django.partial.mo")
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        partial.replace(mo_path)
        compiled += 1
    return compiled, fresh


def main():
    compiled, fresh = compile_catalogues()
    print(f"catalogues: {compiled} compiled, {fresh} up to date in {LOCALE_DIR}")


if __name__ == "__main__":
    main()

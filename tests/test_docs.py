"""Docs stay true by construction: the README's CLI reference and docs/coverage.md are generated."""

from __future__ import annotations

from legation.cli import reference as docs


def test_cli_reference_in_readme_matches_help() -> None:
    readme = docs.README.read_text(encoding="utf-8")
    assert docs.readme_with_reference(readme) == readme, "run `make docs`: the CLI reference has drifted"
    assert "#### `legation import`" in readme and "--keep-going" in readme


def test_coverage_page_matches_bundled_data() -> None:
    assert docs.COVERAGE.read_text(encoding="utf-8") == docs.coverage_page(), "run `make docs`: coverage drifted"


def test_every_command_is_documented_with_help() -> None:
    import typer

    from legation.cli import app

    for command in typer.main.get_command(app).commands.values():  # type: ignore[attr-defined]
        assert command.help, f"command {command.name} has no help text"

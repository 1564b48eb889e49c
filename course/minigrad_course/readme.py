"""The README's example, read from the README itself so that the docs and the code agree
(``python -m minigrad_course example`` runs it)."""
import re


def example_code(readme_path):
    """The Python block that follows ``<!-- example -->`` in the README."""
    text = readme_path.read_text(encoding="utf-8")
    match = re.search(r"<!-- example -->\s*```python\n(.*?)```", text, re.S)
    if match is None:
        raise ValueError(f"{readme_path}: no ```python block after <!-- example -->")
    return match.group(1)

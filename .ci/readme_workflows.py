"""Writes each workflow of the README (a ```yaml block that starts with
`# .github/workflows/`) to DIR, for actionlint: the snippets a user copies
must be valid workflows."""

import pathlib
import re
import sys


def main(readme, out):
    text = pathlib.Path(readme).read_text(encoding="utf-8")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    blocks = re.findall(r"```yaml\n(# \.github/workflows/[^\n]*\n.*?)```", text, re.S)
    for number, block in enumerate(blocks):
        (out / f"readme-{number}.yml").write_text(block, encoding="utf-8")
    print(len(blocks))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

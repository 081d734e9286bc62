"""Prints action.yml as a workflow actionlint can check: a reusable workflow
whose inputs are the action's and whose one job runs the action's steps.

actionlint checks workflows, not action metadata; a composite action's steps
are workflow steps, so they are copied as they are, on the lines they have in
action.yml (blank lines fill the space), so that every error points at the
right line. Text only, no YAML library: the action's inputs are the keys
indented by two spaces under its top-level `inputs:`, and its steps are the
lines after `  steps:` under `runs:`.
"""

import re
import sys


def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    inputs, steps_at, section = [], None, None
    for number, line in enumerate(lines):
        top = re.match(r"^([a-z-]+):", line)
        if top:
            section = top.group(1)
        elif section == "inputs" and re.match(r"^  [a-z][a-z0-9-]*:\s*$", line):
            inputs.append(line.strip().rstrip(":"))
        elif section == "runs" and line.rstrip() == "  steps:":
            steps_at = number + 1
    if steps_at is None:
        sys.exit(f"{path}: no `runs.steps`")
    head = ["on:", "  workflow_call:", "    inputs:"]
    for name in inputs:
        head += [f"      {name}:", "        type: string", "        required: false"]
    head += ["jobs:", "  action:", "    runs-on: ubuntu-latest", "    steps:"]
    if len(head) > steps_at:
        sys.exit(f"{path}: too many inputs to keep line numbers")
    head += [""] * (steps_at - len(head))
    print("\n".join(head + lines[steps_at:]), end="")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "action.yml")

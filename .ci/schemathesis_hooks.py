"""schemathesis hooks for nido's CI: a request that fits the OpenAPI document
is accepted, unless a rule the document cannot express refuses it, and every
such rule is listed in docs/api-rules.md.

The built-in `positive_data_acceptance` check is replaced by
`positive_data_meets_only_documented_rules`, which reads the refusal's
problem document: a 4xx other than 401, 403, 404, 409 or 429 to schema-valid
data passes only when each invalid field (or the problem's `code`) is one
the document lists.
"""

import json
import re
from pathlib import Path

import schemathesis

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "api-rules.md"
# Answers that depend on the data already stored, not on the request's
# shape: a missing resource, another team's family, a conflict, a throttle.
STATE_DEPENDENT = {401, 403, 404, 409, 429}
# `actions[2].due_on` is documented as `actions[].due_on`.
INDEX = re.compile(r"\[[0-9]+\]")


def documented_answers(path=RULES_DOC):
    """The answers docs/api-rules.md allows: each backticked `field: message`
    (a trailing `…` matches any end) or bare `code` in the last column of
    its rules tables."""
    answers = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        answers.update(re.findall(r"`([^`]+)`", cells[-1]))
    return answers


ANSWERS = documented_answers()


def allowed(answer):
    if answer in ANSWERS:
        return True
    return any(
        documented.endswith("…") and answer.startswith(documented[:-1]) for documented in ANSWERS
    )


def refusal_reasons(response):
    """`field: message` for each invalid field, else the problem's code."""
    try:
        problem = json.loads(response.content)
    except ValueError:
        return ["(no problem document)"]
    errors = problem.get("errors") or []
    if errors:
        return [f"{INDEX.sub('[]', error['field'])}: {error['message']}" for error in errors]
    return [problem.get("code", "(no code)")]


@schemathesis.check
def positive_data_meets_only_documented_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in STATE_DEPENDENT:
        return None
    undocumented = [reason for reason in refusal_reasons(response) if not allowed(reason)]
    if undocumented:
        raise AssertionError(
            f"Schema-valid data refused with {status} for a rule docs/api-rules.md does not list: "
            + "; ".join(undocumented)
        )
    return None

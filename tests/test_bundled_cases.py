"""The bundled case base (graphs/): docs/cases.md is exactly what the CLI writes, and the
verdict of every bundled request - undisputed and per account - is pinned, so a rule or data
change that flips a real verdict is seen and has to be argued for.

Regenerate both files after a deliberate change:

    CSTOGRAPH_REGENERATE=1 pytest -q tests/test_bundled_cases.py
"""

from __future__ import annotations

import json
import os

import pytest

from cgtest import CASES, REPO
from cstograph.cli import app

CASES_MD = REPO / "docs" / "cases.md"
VERDICTS = CASES / "bundled-verdicts.json"
COMMAND = ["report", "--all", "--format", "markdown"]
MARKER = "<!-- generated: everything below this line is the output of `cstograph report --all --format markdown` -->"
REGENERATE = "CSTOGRAPH_REGENERATE=1 pytest -q tests/test_bundled_cases.py"
HEADER = f"""# Bundled cases

Every assistance request in the bundled graphs (`graphs/`), with its verdict on the
undisputed data, the reason, the responses with their dates, the sources, and - for a
contested request - what each account's view gives. The table below is the unedited output of

```sh
cstograph report --all --format markdown
```

run on the bundled graphs. Do not edit it by hand: after changing the data or the rules,
regenerate this file with `{REGENERATE}` (a test fails while it is stale). What each file
holds, what was left out and why, is in the header comment of each file in `graphs/`;
the extension terms the cases use are in [contract-extensions.md](contract-extensions.md).

{MARKER}

"""


def regenerating() -> bool:
    return os.environ.get("CSTOGRAPH_REGENERATE") == "1"


def run(runner, *args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cases_md_is_the_cli_output(runner):
    expected = HEADER + run(runner, *COMMAND)
    if regenerating():
        CASES_MD.write_text(expected, encoding="utf-8")
    actual = CASES_MD.read_text(encoding="utf-8") if CASES_MD.exists() else ""
    assert actual == expected, f"docs/cases.md is stale; regenerate it with: {REGENERATE}"


def current_verdicts(runner) -> dict:
    rows = json.loads(run(runner, "report", "--all", "--format", "json"))
    return {
        row["request"]: {
            "date": row["date"],
            "status": row["status"],
            "accounts": {c["account"]: c["status"] for c in row.get("contested") or []},
        }
        for row in rows
    }


def test_every_bundled_verdict_is_pinned(runner):
    current = current_verdicts(runner)
    if regenerating():
        VERDICTS.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(VERDICTS.read_text(encoding="utf-8"))
    assert set(current) == set(pinned), f"bundled requests changed; if deliberate: {REGENERATE}"
    for request, verdict in pinned.items():
        assert current[request] == verdict, f"{request} changed; if deliberate, say why in the commit and run: {REGENERATE}"


# Verdicts the coding manual (docs/coding.md) changed, with the reason for each: request -> (old
# status, new status, why). The header of the data file named in each reason argues it in full.
FLIPPED_BY_THE_CODING_MANUAL = {
    "request-1914-08-03-Belgium-UK": ("not-triggered", "met",
        "europe-1914-1939.ttl: the 1839 treaty guarantees a status (cg:GuaranteeOfStatus, engaged by a threat on "
        "Belgium's territory); Belgium asked for diplomatic intervention and Britain's protest and demand to Germany "
        "of 4 August is one (cg:DiplomaticIntervention)"),
    "request-1939-09-02-Poland-France": ("unmet", "met",
        "europe-1914-1939.ttl: France's Saar offensive from 7 September 1939, launched to assist Poland, is action "
        "against the attacker (cg:ActionAgainstAttacker), which fulfils collective defence"),
    "request-2020-10-31-Armenia-Russia": ("not-triggered", "unmet",
        "russia-armenia-1997.ttl: Article 2 applies 'whenever, in the opinion of one of them' a threat of armed attack "
        "has arisen, the words of NATO Article 4, so cg:ThreatInTheOpinionOfAParty (an event anywhere); it asks for "
        "consultations and only a statement answered. No longer contested: every account gives unmet"),
    "request-2019-09-09-Venezuela-Rio-Treaty": ("met", "not-triggered",
        "rio-treaty-venezuela-2019.trig: Venezuela's accession of 2019 is disputed between the two claimant "
        "governments, so the membership is the National Assembly's account's claim (manual 1.1, contested "
        "membership); on the undisputed data Venezuela is no party, in the Assembly's account the request is met"),
}


def test_flipped_verdicts_are_pinned_with_their_reason():
    pinned = json.loads(VERDICTS.read_text(encoding="utf-8"))
    by_name = {iri.rsplit("/", 1)[1]: v for iri, v in pinned.items()}
    for name, (old, new, why) in FLIPPED_BY_THE_CODING_MANUAL.items():
        assert old != new and why, name
        assert by_name[name]["status"] == new, f"{name}: pinned {by_name[name]['status']}, the reason given is for {new}"


def test_pinned_verdicts_tell_the_story():
    """The verdicts the data files' headers promise (a readable summary of the JSON)."""
    pinned = json.loads(VERDICTS.read_text(encoding="utf-8"))
    by_name = {iri.rsplit("/", 1)[1]: v for iri, v in pinned.items()}

    def account(name, party):
        return by_name[name]["accounts"].get(f"https://w3id.org/cstograph/data/account-{party}", by_name[name]["status"])

    assert by_name["request-2022-09-13-Armenia-CSTO"]["status"] == "unmet"
    assert by_name["request-2022-09-13-Armenia-Russia"]["status"] == "unmet"
    assert by_name["request-2020-10-31-Armenia-Russia"]["status"] == "unmet"  # see FLIPPED_BY_THE_CODING_MANUAL
    assert by_name["request-2020-10-31-Armenia-Russia"]["accounts"] == {}
    venezuela = "request-2019-09-09-Venezuela-Rio-Treaty"  # see FLIPPED_BY_THE_CODING_MANUAL
    assert (by_name[venezuela]["status"], account(venezuela, "Venezuela-NationalAssembly")) == ("not-triggered", "met")
    for name in ("request-2021-05-13-Armenia-CSTO", "request-2021-11-16-Armenia-Russia"):
        assert by_name[name]["status"] == "not-triggered"
        assert account(name, "Armenia") == "unmet", name  # what Armenia's government asserts
        assert account(name, "Azerbaijan") == "not-triggered", name
    kazakhstan = "request-2022-01-05-Kazakhstan-CSTO"
    assert by_name[kazakhstan]["status"] == "not-triggered"
    assert account(kazakhstan, "Kazakhstan") == account(kazakhstan, "CSTO") == "met"
    kyrgyz = "request-2022-10-19-Kyrgyzstan-CSTO"
    assert by_name[kyrgyz]["status"] == "not-triggered" and account(kyrgyz, "Kyrgyzstan") == "unmet"
    assert account(kyrgyz, "Tajikistan") == "not-triggered"
    assert by_name["request-2010-06-12-Kyrgyzstan-Russia"]["status"] == "not-triggered"


@pytest.mark.parametrize("path", [CASES_MD, VERDICTS])
def test_generated_files_exist(path):
    assert path.exists(), f"missing {path.name}; create it with: {REGENERATE}"

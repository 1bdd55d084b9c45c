"""The three benchmark questions asked of mitreattack-python, for scripts/bench.

usage: python bench-mitreattack.py BUNDLE technique|tactic|search

Each run loads the bundle (MitreAttackData has no cache) and prints its answer as JSON,
as `attck ... -f json` does: the technique T1059, the techniques of the execution tactic,
and active techniques whose name or description mentions "powershell".
"""

import json
import sys

from mitreattack.stix20 import MitreAttackData


def row(data, t):
    return {"id": data.get_attack_id(t.id), "name": t.name}


def main():
    bundle, question = sys.argv[1], sys.argv[2]
    data = MitreAttackData(bundle)
    if question == "technique":
        t = data.get_object_by_attack_id("T1059", "attack-pattern")
        out = {
            "id": data.get_attack_id(t.id),
            "name": t.name,
            "description": t.description,
            "tactics": [p.phase_name for p in t.kill_chain_phases],
            "platforms": list(t.get("x_mitre_platforms", [])),
        }
    elif question == "tactic":
        ts = data.get_techniques_by_tactic("execution", "enterprise-attack", remove_revoked_deprecated=True)
        out = sorted((row(data, t) for t in ts), key=lambda r: r["id"])
    elif question == "search":
        ts = data.get_techniques(remove_revoked_deprecated=True)
        out = [
            row(data, t)
            for t in ts
            if "powershell" in t.name.lower() or "powershell" in t.get("description", "").lower()
        ]
    else:
        sys.exit(f"unknown question {question!r}")
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Independent facts for attck's coverage tests, straight from a real ATT&CK bundle.

Does not share code or logic with attck: reads the STIX JSON, applies the rules in
STYLE.md (active = not revoked, not deprecated; a relationship counts when itself active and
both ends active), and prints the numbers the Rust tests pin.
usage: [GROUP=G0016] coverage_facts.py BUNDLE.json [ID ...]
  prints the universe sizes, what became of the IDs, and coverage per tactic with the first
  gaps (ranked by active groups using them, then ID) for every active technique and for
  GROUP's techniques, with techniques and with sub-techniques as units.
"""
import json, sys
from collections import defaultdict

path = sys.argv[1]
named_input = [a.upper() for a in sys.argv[2:]]
objs = json.load(open(path))["objects"]
by_id = {o["id"]: o for o in objs}

def active(o):
    return not o.get("revoked", False) and not o.get("x_mitre_deprecated", False)

def attack_id(o):
    for r in o.get("external_references", []):
        if r.get("source_name") in ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"):
            return r.get("external_id")
    return None

matrices = [o for o in objs if o["type"] == "x-mitre-matrix" and active(o)]
tactic_order = []
for m in matrices:
    for r in m["tactic_refs"]:
        if r not in tactic_order:
            tactic_order.append(r)
short = [by_id[r]["x_mitre_shortname"] for r in tactic_order]

techs = {o["id"]: o for o in objs if o["type"] == "attack-pattern"}
tid = {k: attack_id(o) for k, o in techs.items()}
by_attack = defaultdict(list)
for k, o in techs.items():
    by_attack[tid[k]].append(k)

def rel_counts(r):
    return (r["type"] == "relationship" and active(r)
            and r["source_ref"] in by_id and r["target_ref"] in by_id
            and active(by_id[r["source_ref"]]) and active(by_id[r["target_ref"]]))

parent = {}
for r in objs:
    if r["type"] == "relationship" and r["relationship_type"] == "subtechnique-of" and rel_counts(r):
        parent[r["source_ref"]] = r["target_ref"]
children = defaultdict(set)
for c, p in parent.items():
    children[p].add(c)

revoked_by = {}
for r in objs:
    if r["type"] == "relationship" and r["relationship_type"] == "revoked-by":
        revoked_by[r["source_ref"]] = r["target_ref"]

group_uses = defaultdict(set)   # technique stix -> groups
uses_of = defaultdict(set)      # source stix -> techniques
for r in objs:
    if r["type"] == "relationship" and r["relationship_type"] == "uses" and rel_counts(r):
        s, t = r["source_ref"], r["target_ref"]
        if t in techs:
            uses_of[s].add(t)
            if by_id[s]["type"] == "intrusion-set":
                group_uses[t].add(s)

def tactics_of(t):
    ph = {p["phase_name"] for p in techs[t].get("kill_chain_phases", [])}
    return [s for s in short if s in ph]

def is_sub(t):
    return techs[t].get("x_mitre_is_subtechnique", False)

active_techs = [k for k, o in techs.items() if active(o)]

def unit_of(t, mode):
    if mode == "technique" and is_sub(t) and t in parent:
        return parent[t]
    return t

def units_all(mode):
    if mode == "technique":
        return {t for t in active_techs if not is_sub(t)}
    return {t for t in active_techs if is_sub(t) or not children[t]}

def resolve(ids):
    out, unknown, revoked, deprecated = set(), [], [], []
    for i in sorted(set(ids)):
        cands = by_attack.get(i, [])
        act = [c for c in cands if active(techs[c])]
        if act:
            out.add(act[0]); continue
        if not cands:
            unknown.append(i); continue
        c = cands[0]
        if techs[c].get("revoked"):
            cur = revoked_by.get(c)
            while cur and not active(techs[cur]):
                cur = revoked_by.get(cur)
            revoked.append((i, tid[cur] if cur else None))
            if cur: out.add(cur)
        else:
            deprecated.append(i)
    return out, unknown, revoked, deprecated

def covered(u, named):
    return u in named or any(c in named for c in children[u])

def groups(u):
    g = set(group_uses[u])
    for c in children[u]:
        g |= group_uses[c]
    return len(g)

def report(named, universe, mode, label):
    tot = len(universe)
    cov = sum(1 for u in universe if covered(u, named))
    print(f"== {label} ({mode}): {cov} / {tot}")
    for s in short:
        us = [u for u in universe if s in tactics_of(u)]
        if us:
            print(f"   {s}: {sum(1 for u in us if covered(u, named))} / {len(us)}")
    gaps = sorted((u for u in universe if not covered(u, named)), key=lambda u: (-groups(u), tid[u]))
    print("   first gaps:", [(tid[u], groups(u)) for u in gaps[:5]])

for mode in ("technique", "subtechnique"):
    print(f"universe all, {mode}: {len(units_all(mode))}")

named, unknown, revoked, deprecated = resolve(named_input)
print("input:", len(set(named_input)), "read; unknown", unknown, "revoked", revoked, "deprecated", deprecated)
import os
GROUP = os.environ.get("GROUP", "G0016")
g16 = [k for k, o in by_id.items() if o["type"] == "intrusion-set" and attack_id(o) == GROUP][0]
for mode in ("technique", "subtechnique"):
    report(named, units_all(mode), mode, "all")
    uni = {unit_of(t, mode) for t in uses_of[g16]}
    report(named, uni, mode, GROUP)

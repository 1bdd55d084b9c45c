#!/usr/bin/env python3
"""Independent facts for attck's search tests, straight from a real ATT&CK bundle.

Does not share code or logic with attck: reads the STIX JSON and applies the search rules
as the README states them, to count what `attck search WORD` and
`attck search --type procedure WORD` must find.

usage: search_facts.py BUNDLE.json WORD...
  for each (one-word) WORD, prints how many active techniques hold it, split by where
  (own name, parent's name, former names, description, procedure examples, linked names), and
  how many procedure examples hold it in their text, their technique's name or their source's
  name or aliases.

Rules: active = neither revoked nor x_mitre_deprecated; a relationship counts when itself
active and both ends active. Text is plain (links keep their text; citations and <code> tags
go); words are runs of letters and digits, lower-cased; a query word matches a word it starts.
Linked names of a technique: the groups, software and campaigns that use it, the objects that
detect it, and the analytics of detection strategies that detect it. Former names: names of
revoked techniques whose revoked-by chain ends at it.
"""
import json, re, sys
from collections import defaultdict

path, words = sys.argv[1], [w.lower() for w in sys.argv[2:]]
objs = json.load(open(path))["objects"]
by_id = {}
for o in objs:
    if o["id"] not in by_id or o.get("modified", "") > by_id[o["id"]].get("modified", ""):
        by_id[o["id"]] = o


def active(o):
    return not o.get("revoked", False) and not o.get("x_mitre_deprecated", False)


def attack_id(o):
    for r in o.get("external_references", []):
        if r.get("source_name") in ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"):
            return r.get("external_id")
    return ""


def plain(s):
    s = re.sub(r"\[([^\]\n]*)\]\((\S*?)\)", r"\1", s or "")
    s = re.sub(r" *\(Citation:[^)]*\)", "", s)
    return re.sub(r"</?code>|<br/?>", "", s)


def tokens(s):
    return [t.lower() for t in re.findall(r"[^\W_]+", s)]


def has(text, word):
    return any(t.startswith(word) for t in tokens(text))


techs = {k: o for k, o in by_id.items() if o["type"] == "attack-pattern"}
rels = [o for o in by_id.values() if o["type"] == "relationship"]
parent, revoked_by = {}, {}
for r in rels:
    s, t = r.get("source_ref"), r.get("target_ref")
    if r.get("relationship_type") == "subtechnique-of" and active(r) and s in techs and t in techs:
        parent[s] = t
    if r.get("relationship_type") == "revoked-by" and s in by_id and t in by_id:
        revoked_by.setdefault(s, t)
by_attack = {attack_id(o): k for k, o in techs.items() if active(o)}
for k, o in techs.items():
    aid = attack_id(o)
    if o.get("x_mitre_is_subtechnique") and k not in parent and "." in aid:
        if aid.split(".")[0] in by_attack:
            parent[k] = by_attack[aid.split(".")[0]]
former = defaultdict(list)
for k, o in techs.items():
    if o.get("revoked") and k in revoked_by:
        cur = revoked_by[k]
        for _ in range(16):
            if by_id[cur].get("revoked") and cur in revoked_by:
                cur = revoked_by[cur]
        if cur != k:
            former[cur].append(o["name"])

procedures = []  # (technique, text, source)
linked = defaultdict(list)
for r in rels:
    s, t = by_id.get(r.get("source_ref")), by_id.get(r.get("target_ref"))
    if not (s and t and active(r) and active(s) and active(t)) or t["type"] != "attack-pattern":
        continue
    if r["relationship_type"] == "uses" and s["type"] in ("intrusion-set", "malware", "tool", "campaign"):
        linked[t["id"]].append(s.get("name", ""))
        if (r.get("description") or "").strip():
            procedures.append((t["id"], plain(r["description"]), s))
    elif r["relationship_type"] == "detects":
        linked[t["id"]].append(s.get("name", ""))
        for a in s.get("x_mitre_analytic_refs", []):
            if a in by_id:
                linked[t["id"]].append(by_id[a].get("name", ""))

for w in words:
    where = defaultdict(set)
    for k, o in techs.items():
        if not active(o):
            continue
        if has(o.get("name", ""), w):
            where["name"].add(k)
        if k in parent and has(techs[parent[k]].get("name", ""), w):
            where["parent"].add(k)
        if any(has(n, w) for n in former[k]):
            where["former_name"].add(k)
        if has(plain(o.get("description", "")), w):
            where["description"].add(k)
        if any(has(n, w) for n in linked[k]):
            where["linked_names"].add(k)
    for t, text, s in procedures:
        if has(text, w) and active(techs[t]):
            where["procedures"].add(t)
    hits = set().union(*where.values()) if where else set()
    counts = ", ".join(f"{f} {len(v)}" for f, v in sorted(where.items()))
    print(f"{w}: {len(hits)} techniques ({counts})")
    n_text = n_tech = n_source = n_any = 0
    for t, text, s in procedures:
        names = [s.get("name", "")] + [a for a in s.get("aliases", []) + s.get("x_mitre_aliases", [])]
        a, b, c = has(text, w), has(techs[t]["name"], w), any(has(n, w) for n in names)
        n_text += a
        n_tech += b
        n_source += c
        n_any += a or b or c
    print(f"{w}: {n_any} procedure examples (text {n_text}, technique {n_tech}, source {n_source})")

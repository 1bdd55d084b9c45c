#!/usr/bin/env python3
"""Computes, checks and prints the facts that tests pin on the hand-written sample bundles.

Run from anywhere: `python3 data/sample/check_facts.py`. It reads the JSON next to it, applies the
rules of STYLE.md ("Facts about the data") independently of the Rust code, prints the facts that
README.md lists, and exits 1 if a structural invariant of the samples is broken.
"""
import json
import os
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ID_SOURCES = ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack")
STIX_ID = re.compile(r"^[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PROBLEMS = []


def check(cond, msg):
    if not cond:
        PROBLEMS.append(msg)


def attack_id(o):
    for r in o.get("external_references", []):
        if r.get("source_name") in ID_SOURCES and r.get("external_id"):
            return r["external_id"]
    return None


def active(o):
    return o is not None and not o.get("revoked", False) and not o.get("x_mitre_deprecated", False)


def id_key(eid):
    """Sort key for ATT&CK IDs: T1059 < T1059.001 < T1059.002 < T1060."""
    m = re.match(r"^([A-Z]+)(\d+)(?:\.(\d+))?$", eid or "")
    if not m:
        return (eid or "", 0, -1)
    return (m.group(1), int(m.group(2)), int(m.group(3) or -1))


class KB:
    def __init__(self, name):
        self.name = name
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            self.bundle = json.load(f)
        self.objs = self.bundle["objects"]
        self.by_id = {o["id"]: o for o in self.objs}
        check(len(self.by_id) == len(self.objs), "%s: duplicate STIX ids" % name)
        for o in self.objs:
            check(STIX_ID.match(o["id"]) is not None, "%s: bad STIX id %s" % (name, o["id"]))
        self.rels = [o for o in self.objs if o["type"] == "relationship"]
        coll = [o for o in self.objs if o["type"] == "x-mitre-collection"]
        self.collection = coll[0] if coll else None
        mats = [o for o in self.objs if o["type"] == "x-mitre-matrix"]
        self.matrix = [m for m in mats if active(m)]
        self.dead_matrices = [m for m in mats if not active(m)]
        check(len(self.matrix) == 1, "%s: expected exactly one active matrix" % name)
        self.matrix = self.matrix[0]
        self.domain = attack_id(self.matrix)
        if self.collection:
            self.version = self.collection["x_mitre_version"]
        else:
            self.version = re.search(r"-(\d+\.\d+)\.json$", name).group(1)
        spec = self.bundle.get("spec_version") or self.objs[0].get("spec_version")
        self.stix = spec
        self.tactics = [self.by_id[t] for t in self.matrix["tactic_refs"]]
        self.short_to_tactic = {t["x_mitre_shortname"]: t for t in self.tactics}
        self.kill_chain = {k["kill_chain_name"] for o in self.objs for k in o.get("kill_chain_phases", [])}
        # counted relationships: itself active, both ends present and active
        self.counted, self.not_counted = [], []
        for r in self.rels:
            s, t = self.by_id.get(r["source_ref"]), self.by_id.get(r["target_ref"])
            if r.get("revoked"):
                self.not_counted.append((r, "relationship revoked"))
            elif r.get("x_mitre_deprecated"):
                self.not_counted.append((r, "relationship deprecated"))
            elif s is None or t is None:
                self.not_counted.append((r, "dangling %s" % ("source_ref" if s is None else "target_ref")))
            elif r["relationship_type"] == "revoked-by":
                # its source is revoked by definition: it counts while the replacement is active
                if active(t):
                    self.counted.append(r)
                else:
                    self.not_counted.append((r, "replacement inactive"))
            elif not active(s) or not active(t):
                self.not_counted.append((r, "%s end inactive" % ("source" if not active(s) else "target")))
            else:
                self.counted.append(r)

    def of_type(self, *types):
        return [o for o in self.objs if o["type"] in types]

    def techniques(self, only_active=True):
        ts = [o for o in self.of_type("attack-pattern") if active(o) or not only_active]
        return sorted(ts, key=lambda o: id_key(attack_id(o)))

    def rels_of(self, rtype, src=None, tgt=None, counted=True):
        pool = self.counted if counted else self.rels
        return [r for r in pool if r["relationship_type"] == rtype
                and (src is None or r["source_ref"] == src) and (tgt is None or r["target_ref"] == tgt)]

    def parent(self, tech):
        ps = self.rels_of("subtechnique-of", src=tech["id"])
        return self.by_id[ps[0]["target_ref"]] if ps else None

    def label(self, ref):
        o = self.by_id.get(ref)
        if o is None:
            return "<missing %s>" % ref
        return attack_id(o) or o.get("name") or o["id"]


def fmt_ids(objs):
    return ", ".join(sorted((attack_id(o) for o in objs), key=id_key)) or "-"


def print_kb(kb):
    p = print
    p("=" * 78)
    p("%s: domain %s, ATT&CK version %s, STIX %s, collection object: %s, kill_chain_name %s" % (
        kb.name, kb.domain, kb.version, kb.stix,
        "yes (%s, x_mitre_version %s)" % (kb.collection["name"], kb.collection["x_mitre_version"]) if kb.collection else "no",
        ", ".join(sorted(kb.kill_chain))))
    counts = defaultdict(int)
    for o in kb.objs:
        counts[o["type"]] += 1
    p("objects: %d (%s)" % (len(kb.objs), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    p("matrix %s %r, tactics in matrix order:" % (attack_id(kb.matrix), kb.matrix["name"]))
    for t in kb.tactics:
        p("  %s %-25s %s" % (attack_id(t), t["x_mitre_shortname"], t["name"]))
    for m in kb.dead_matrices:
        p("deprecated matrix %r (external_id %s): %s" % (m["name"], attack_id(m),
                                                         ", ".join(attack_id(kb.by_id[t]) for t in m["tactic_refs"])))

    techs = kb.techniques()
    subs = [t for t in techs if t.get("x_mitre_is_subtechnique")]
    tops = [t for t in techs if not t.get("x_mitre_is_subtechnique")]
    p("active techniques: %d top-level + %d sub-techniques = %d attack-patterns (of %d in the file)" % (
        len(tops), len(subs), len(techs), len(kb.of_type("attack-pattern"))))
    p("per tactic (techniques / sub-techniques):")
    for t in kb.tactics:
        ins = [x for x in techs if any(k["phase_name"] == t["x_mitre_shortname"] for k in x["kill_chain_phases"])]
        nt = [x for x in ins if not x["x_mitre_is_subtechnique"]]
        ns = [x for x in ins if x["x_mitre_is_subtechnique"]]
        p("  %-25s %d / %d   %s" % (t["x_mitre_shortname"], len(nt), len(ns), fmt_ids(ins)))
    p("active techniques:")
    for t in techs:
        par = kb.parent(t)
        p("  %-10s %-24s tactics=%s platforms=%s%s" % (
            attack_id(t), t["name"], ",".join(k["phase_name"] for k in t["kill_chain_phases"]),
            ",".join(t["x_mitre_platforms"]), " parent=%s" % attack_id(par) if par else ""))
        if t["x_mitre_is_subtechnique"]:
            check(par is not None, "%s: sub-technique %s has no counted subtechnique-of" % (kb.name, attack_id(t)))
            check(attack_id(t).split(".")[0] == attack_id(par), "%s: %s is under %s" % (kb.name, attack_id(t), attack_id(par)))
        for k in t["kill_chain_phases"]:
            check(k["phase_name"] in kb.short_to_tactic, "%s: %s phase %s not in matrix" % (kb.name, attack_id(t), k["phase_name"]))
    p("parents and their active sub-techniques:")
    for t in tops:
        kids = [kb.by_id[r["source_ref"]] for r in kb.rels_of("subtechnique-of", tgt=t["id"])]
        if kids:
            p("  %s %s: %s" % (attack_id(t), t["name"], fmt_ids(kids)))
    for t in kb.techniques(only_active=False):
        if t.get("revoked"):
            rb = kb.rels_of("revoked-by", src=t["id"], counted=False)
            check(len(rb) == 1, "%s: revoked %s has %d revoked-by" % (kb.name, attack_id(t), len(rb)))
            p("revoked technique: %s %r -> replaced by %s" % (attack_id(t), t["name"], ", ".join(kb.label(r["target_ref"]) for r in rb)))
        elif t.get("x_mitre_deprecated"):
            p("deprecated technique: %s %r" % (attack_id(t), t["name"]))

    def summary(title, objs):
        act = [o for o in objs if active(o)]
        p("%s: %d active (%s)%s" % (title, len(act), ", ".join(
            "%s %s" % (attack_id(o), o["name"]) for o in sorted(act, key=lambda o: id_key(attack_id(o)))),
            "; inactive: " + ", ".join("%s %s [%s]" % (attack_id(o), o["name"], "revoked" if o.get("revoked") else "deprecated")
                                       for o in objs if not active(o)) if len(act) != len(objs) else ""))
    summary("groups", kb.of_type("intrusion-set"))
    for g in kb.of_type("intrusion-set"):
        p("  %s aliases: %s" % (attack_id(g), ", ".join(g.get("aliases", []))))
    summary("software", kb.of_type("malware", "tool"))
    for s in kb.of_type("malware", "tool"):
        p("  %s %s aliases: %s; platforms: %s" % (attack_id(s), s["type"], ", ".join(s.get("x_mitre_aliases", [])),
                                                  ", ".join(s.get("x_mitre_platforms", []))))
    summary("campaigns", kb.of_type("campaign"))
    for c in kb.of_type("campaign"):
        att = kb.rels_of("attributed-to", src=c["id"])
        p("  %s %s .. %s, attributed to %s" % (attack_id(c), c["first_seen"][:10], c["last_seen"][:10],
                                                ", ".join(kb.label(r["target_ref"]) for r in att) or "-"))
    summary("mitigations", kb.of_type("course-of-action"))
    summary("data sources", kb.of_type("x-mitre-data-source"))
    dcs = kb.of_type("x-mitre-data-component")
    p("data components: %d active (%s)" % (sum(active(o) for o in dcs), ", ".join(
        "%s %s" % (attack_id(o) or "<no ATT&CK id>", o["name"]) for o in dcs)))
    if kb.of_type("x-mitre-detection-strategy"):
        summary("detection strategies", kb.of_type("x-mitre-detection-strategy"))
        summary("analytics", kb.of_type("x-mitre-analytic"))
    if kb.of_type("x-mitre-asset"):
        summary("assets", kb.of_type("x-mitre-asset"))

    ids = defaultdict(list)
    for o in kb.objs:
        if attack_id(o) and o["type"] != "x-mitre-matrix":
            ids[attack_id(o)].append(o)
    for eid, os_ in sorted(ids.items()):
        if len(os_) > 1:
            p("ATT&CK ID shared by several objects: %s -> %s" % (eid, "; ".join(
                "%s %r%s" % (o["type"], o["name"], "" if active(o) else " (inactive)") for o in os_)))

    by_type = defaultdict(int)
    for r in kb.counted:
        by_type[r["relationship_type"]] += 1
    p("relationships: %d in file, %d counted (%s)" % (len(kb.rels), len(kb.counted),
                                                     ", ".join("%s %d" % kv for kv in sorted(by_type.items()))))
    for r, why in kb.not_counted:
        p("  not counted: %s %s %s -- %s" % (kb.label(r["source_ref"]), r["relationship_type"], kb.label(r["target_ref"]), why))
    p("counted uses / mitigates / detects / targets, by source:")
    srcs = defaultdict(list)
    for r in kb.counted:
        if r["relationship_type"] in ("uses", "mitigates", "detects", "targets"):
            srcs[(r["source_ref"], r["relationship_type"])].append(r["target_ref"])
    for (s, rt), tgts in sorted(srcs.items(), key=lambda kv: (kv[0][1], id_key(kb.label(kv[0][0])))):
        p("  %-7s %-9s %s" % (kb.label(s), rt, ", ".join(sorted((kb.label(t) for t in tgts), key=id_key))))
    for det in kb.of_type("x-mitre-detection-strategy"):
        for a in det["x_mitre_analytic_refs"]:
            an = kb.by_id[a]
            p("  %s analytic %s platforms=%s log sources: %s" % (attack_id(det), attack_id(an), ",".join(an["x_mitre_platforms"]), "; ".join(
                "%s %s|%s" % (kb.label(l["x_mitre_data_component_ref"]), l["name"], l["channel"]) for l in an.get("x_mitre_log_source_references", []))))

    # search fixtures: substring vs whole-word hits over active techniques' name + description
    def hits(word, whole):
        out = []
        for t in techs:
            text = (t["name"] + " " + t["description"]).lower()
            n = len(re.findall(r"\b%s\w*" % word if whole else word, text))
            if n:
                out.append("%s(%d)" % (attack_id(t), n))
        return ", ".join(out) or "none"
    p("search fixtures (active techniques, name+description, case-insensitive):")
    for w in ("container", "sms", "interpreter", "scheduler", "host"):
        p("  %-12s word-prefix hits: %-40s substring hits: %s" % (w, hits(w, True), hits(w, False)))


def diff(a, b):
    p = print
    p("=" * 78)
    p("changes %s (%s) -> %s (%s), matched by STIX id" % (a.name, a.version, b.name, b.version))
    kinds = (("attack-pattern",), ("intrusion-set",), ("malware", "tool"), ("campaign",), ("course-of-action",),
             ("x-mitre-data-source",), ("x-mitre-data-component",), ("x-mitre-detection-strategy",), ("x-mitre-analytic",),
             ("x-mitre-tactic",), ("x-mitre-matrix",))
    for types in kinds:
        olds = {o["id"]: o for o in a.of_type(*types)}
        news = {o["id"]: o for o in b.of_type(*types)}
        lines = []
        for i in sorted(set(news) - set(olds), key=lambda i: id_key(attack_id(news[i]))):
            lines.append("added %s %r%s" % (attack_id(news[i]), news[i]["name"], "" if active(news[i]) else " (inactive)"))
        for i in sorted(set(olds) - set(news), key=lambda i: id_key(attack_id(olds[i]))):
            lines.append("removed %s %r (absent from the new file)" % (attack_id(olds[i]), olds[i]["name"]))
        for i in sorted(set(olds) & set(news), key=lambda i: id_key(attack_id(news[i]))):
            o, n = olds[i], news[i]
            tag = attack_id(n)
            if not o.get("revoked") and n.get("revoked"):
                rb = b.rels_of("revoked-by", src=i, counted=False)
                lines.append("revoked %s %r -> %s" % (tag, n["name"], ", ".join(b.label(r["target_ref"]) for r in rb)))
            if not o.get("x_mitre_deprecated") and n.get("x_mitre_deprecated"):
                lines.append("deprecated %s %r" % (tag, n["name"]))
            if not active(o) or not active(n):
                continue
            if attack_id(o) is None and attack_id(n):
                lines.append("ATT&CK ID assigned %s (%r)" % (attack_id(n), n["name"]))
            elif attack_id(o) != attack_id(n):
                lines.append("ATT&CK ID changed %s -> %s (%r)" % (attack_id(o), attack_id(n), n["name"]))
            if o["name"] != n["name"]:
                lines.append("renamed %s %r -> %r" % (tag, o["name"], n["name"]))
            if o.get("x_mitre_shortname") != n.get("x_mitre_shortname"):
                lines.append("shortname changed %s: %s -> %s" % (tag, o.get("x_mitre_shortname"), n.get("x_mitre_shortname")))
            if "tactic_refs" in n and o["tactic_refs"] != n["tactic_refs"]:
                lines.append("tactic order changed %s: %s -> %s" % (tag, " ".join(a.label(t) for t in o["tactic_refs"]),
                                                                  " ".join(b.label(t) for t in n["tactic_refs"])))
            if "kill_chain_phases" in n:
                ot = [k["phase_name"] for k in o["kill_chain_phases"]]
                nt = [k["phase_name"] for k in n["kill_chain_phases"]]
                if ot != nt:
                    lines.append("tactics changed %s: %s -> %s" % (tag, ",".join(ot), ",".join(nt)))
            if o.get("x_mitre_platforms") != n.get("x_mitre_platforms"):
                lines.append("platforms changed %s: %s -> %s" % (tag, ",".join(o.get("x_mitre_platforms", [])),
                                                                ",".join(n.get("x_mitre_platforms", []))))
            if types == ("attack-pattern",):
                op, np_ = a.parent(o), b.parent(n)
                if (op and op["id"]) != (np_ and np_["id"]):
                    lines.append("parent changed %s: %s -> %s" % (tag, attack_id(op) if op else "none", attack_id(np_) if np_ else "none"))
            if o.get("description") != n.get("description"):
                lines.append("description changed %s" % tag)
            for key in ("aliases", "x_mitre_aliases"):
                if o.get(key) != n.get(key) and key in n:
                    lines.append("aliases changed %s: %s -> %s" % (tag, ", ".join(o.get(key, [])), ", ".join(n[key])))
        if lines:
            p("%s:" % "/".join(types))
            for line in lines:
                p("  " + line)

    def keyed(kb):
        return {(r["source_ref"], r["relationship_type"], r["target_ref"]): r for r in kb.counted}
    ka, kb_ = keyed(a), keyed(b)
    p("counted relationships added:")
    for k in sorted(set(kb_) - set(ka), key=lambda k: (k[1], id_key(b.label(k[0])), id_key(b.label(k[2])))):
        p("  %s %s %s" % (b.label(k[0]), k[1], b.label(k[2])))
    p("counted relationships removed:")
    for k in sorted(set(ka) - set(kb_), key=lambda k: (k[1], id_key(a.label(k[0])), id_key(a.label(k[2])))):
        still = "still in file, no longer counted" if ka[k]["id"] in b.by_id else "absent from new file"
        p("  %s %s %s (%s)" % (a.label(k[0]), k[1], a.label(k[2]), still))


# The headline facts README.md states; a JSON edit that changes one must update both.
EXPECTED = {
    "enterprise-attack-1.0.json": dict(version="1.0", tactics="TA0043 TA0002 TA0003 TA0005 TA0007", techniques=10,
                                       subtechniques=4, groups=2, software=3, campaigns=2, mitigations=3, relationships=46,
                                       objects=93),
    "enterprise-attack-2.0.json": dict(version="2.0", tactics="TA0043 TA0002 TA0003 TA0005 TA0007", techniques=8,
                                       subtechniques=4, groups=3, software=4, campaigns=3, mitigations=2, relationships=45,
                                       objects=105),
    "v19/enterprise-attack-18.0.json": dict(version="18.0", tactics="TA0002 TA0003 TA0005 TA0007", techniques=8,
                                            subtechniques=4, groups=1, software=1, campaigns=1, mitigations=1,
                                            relationships=18, objects=45),
    "v19/enterprise-attack-19.0.json": dict(version="19.0", tactics="TA0002 TA0003 TA0005 TA0112 TA0007", techniques=9,
                                            subtechniques=2, groups=1, software=1, campaigns=1, mitigations=1,
                                            relationships=17, objects=46),
    "ics-attack-1.0.json": dict(version="1.0", tactics="TA0108 TA0104 TA0107", techniques=5, subtechniques=0, groups=1,
                                software=1, campaigns=0, mitigations=1, relationships=13, objects=30),
}


def check_expected(kb):
    techs = kb.techniques()
    got = dict(version=kb.version, tactics=" ".join(attack_id(t) for t in kb.tactics),
               techniques=sum(not t["x_mitre_is_subtechnique"] for t in techs),
               subtechniques=sum(bool(t["x_mitre_is_subtechnique"]) for t in techs),
               groups=sum(map(active, kb.of_type("intrusion-set"))), software=sum(map(active, kb.of_type("malware", "tool"))),
               campaigns=sum(map(active, kb.of_type("campaign"))), mitigations=sum(map(active, kb.of_type("course-of-action"))),
               relationships=len(kb.counted), objects=len(kb.objs))
    for k, v in EXPECTED[kb.name].items():
        check(got[k] == v, "%s: %s is %r, README says %r" % (kb.name, k, got[k], v))


def main():
    e1 = KB("enterprise-attack-1.0.json")
    e2 = KB("enterprise-attack-2.0.json")
    ics = KB("ics-attack-1.0.json")
    # structural invariants the samples promise
    check(e1.bundle.get("spec_version") == "2.0" and e1.collection is None, "1.0 must be STIX 2.0 without a collection")
    check(all("spec_version" not in o for o in e1.objs), "1.0 objects must not carry spec_version")
    for kb in (e2, ics):
        check("spec_version" not in kb.bundle and all(o.get("spec_version") == "2.1" for o in kb.objs),
              "%s: every object must be spec_version 2.1" % kb.name)
        listed = {c["object_ref"] for c in kb.collection["x_mitre_contents"]}
        check(listed == {o["id"] for o in kb.objs if o["type"] not in ("x-mitre-collection", "marking-definition")},
              "%s: x_mitre_contents does not list the objects" % kb.name)
    check(e1.tactics and [attack_id(t) for t in e1.tactics] != sorted(attack_id(t) for t in e1.tactics),
          "matrix order must differ from ID order")
    check(all(t.get("x_mitre_detection") and t.get("x_mitre_data_sources") for t in e1.techniques()),
          "1.0 active techniques need x_mitre_detection and x_mitre_data_sources")
    check(all(t.get("x_mitre_detection") == "" and "x_mitre_data_sources" not in t for t in e2.of_type("attack-pattern")),
          "2.0 techniques need empty x_mitre_detection and no x_mitre_data_sources")
    check(not e1.of_type("x-mitre-detection-strategy", "x-mitre-analytic"), "1.0 has no detection strategies")
    check(all(e1.by_id[r["source_ref"]]["type"] == "x-mitre-data-component" for r in e1.rels_of("detects", counted=False)),
          "1.0 detects start at data components")
    check(all(e2.by_id[r["source_ref"]]["type"] == "x-mitre-detection-strategy" for r in e2.rels_of("detects", counted=False)),
          "2.0 detects start at detection strategies")
    for kb in (e1, e2, ics):
        dangling = [r for r in kb.rels if r["source_ref"] not in kb.by_id or r["target_ref"] not in kb.by_id]
        check(len(dangling) == (0 if kb is ics else 1), "%s: expected %s dangling relationship" % (kb.name, "no" if kb is ics else "one"))
        for o in kb.objs:
            for k in ("name", "description"):
                v = o.get(k, "")
                check("mitre corporation" not in v.lower(), "%s: %s mentions MITRE" % (kb.name, o["id"]))
        for o in kb.objs:
            for ref in o.get("tactic_refs", []) + o.get("x_mitre_analytic_refs", []):
                check(ref in kb.by_id, "%s: %s refers to missing %s" % (kb.name, o["id"], ref))
    # search fixtures: "container" only in one technique, "sms" only inside "mechanisms"
    for kb in (e1, e2):
        text = " ".join((o.get("name", "") + " " + o.get("description", "")).lower() for o in kb.objs)
        check(text.count("container") == 1, "%s: 'container' must occur exactly once" % kb.name)
        check(text.count("sms") == text.count("mechanisms") == 1, "%s: 'sms' only inside 'mechanisms'" % kb.name)
        check(not re.search(r"\bsms", text), "%s: no word starts with 'sms'" % kb.name)

    # the tactic-split pair (v19/): the shape of ATT&CK 18 -> 19
    s18 = KB("v19/enterprise-attack-18.0.json")
    s19 = KB("v19/enterprise-attack-19.0.json")
    for kb in (s18, s19):
        check("spec_version" not in kb.bundle and all(o.get("spec_version") == "2.1" for o in kb.objs),
              "%s: every object must be spec_version 2.1" % kb.name)
        listed = {c["object_ref"] for c in kb.collection["x_mitre_contents"]}
        check(listed == {o["id"] for o in kb.objs if o["type"] not in ("x-mitre-collection", "marking-definition")},
              "%s: x_mitre_contents does not list the objects" % kb.name)
        check(all(r["source_ref"] in kb.by_id and r["target_ref"] in kb.by_id for r in kb.rels),
              "%s: no dangling relationships" % kb.name)
    ta5 = [t for t in s18.tactics if attack_id(t) == "TA0005"][0], [t for t in s19.tactics if attack_id(t) == "TA0005"][0]
    check(ta5[0]["id"] == ta5[1]["id"] and ta5[0]["x_mitre_shortname"] == "defense-evasion"
          and ta5[1]["x_mitre_shortname"] == "stealth" and ta5[0]["name"] != ta5[1]["name"],
          "v19: TA0005 keeps its STIX id and changes name and shortname")
    check("defense-impairment" not in s18.short_to_tactic and "defense-impairment" in s19.short_to_tactic,
          "v19: defense-impairment is new in 19.0")
    check("defense-evasion" not in s19.short_to_tactic, "v19: no tactic of 19.0 has the old shortname")
    revoked = [t for t in s19.techniques(only_active=False) if t.get("revoked")]
    check(sorted(attack_id(t) for t in revoked) == ["T1562.001", "T1562.002"]
          and all(s19.label(r["target_ref"]) == "T1685" for t in revoked for r in s19.rels_of("revoked-by", src=t["id"])),
          "v19: T1562.001 and T1562.002 are revoked by T1685")
    check(all(k["phase_name"] == "defense-evasion" for t in revoked for k in t["kill_chain_phases"]),
          "v19: the revoked sub-techniques keep the old shortname")

    for kb in (e1, e2, ics, s18, s19):
        check_expected(kb)
        print_kb(kb)
    diff(e1, e2)
    diff(s18, s19)
    if PROBLEMS:
        print("=" * 78)
        for prob in PROBLEMS:
            print("PROBLEM: " + prob)
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Independent diff of two ATT&CK bundles, written apart from attck's Rust code, to check the
facts tests pin for `attck diff` (tests/cli/diff.rs).

Usage: python3 scripts/diff_facts.py OLD.json NEW.json

Rules: active = neither revoked nor x_mitre_deprecated; objects of every kind are matched by
STIX id, then by ATT&CK ID; a technique's tactics compare as a set of tactic STIX ids (a
tactic renamed moves nothing), platforms as a set; the other kinds' fields (EDIT_FIELDS) are
"edited" unless the field changed with the data model (a value on some active OLD object and
on no NEW one, or the reverse); a kind introduced or withdrawn as a whole lists nothing; a
relationship counts when it is itself active and both ends are active (revoked-by: when the
replacement is active); relationships are compared by (type, source STIX id, target STIX
id).
"""
import json, sys, collections
def load(p): return json.load(open(p))['objects']
def aid(x):
    for r in x.get('external_references', []):
        if r.get('source_name') in ('mitre-attack','mitre-mobile-attack','mitre-ics-attack') and r.get('external_id'):
            return r['external_id']
    return ''
def act(x): return not x.get('revoked') and not x.get('x_mitre_deprecated')
SECTIONS = {'techniques': ('attack-pattern',), 'groups': ('intrusion-set',), 'software': ('malware','tool'),
            'mitigations': ('course-of-action',), 'campaigns': ('campaign',), 'tactics': ('x-mitre-tactic',),
            'data_sources': ('x-mitre-data-source',), 'data_components': ('x-mitre-data-component',),
            'detection_strategies': ('x-mitre-detection-strategy',), 'analytics': ('x-mitre-analytic',),
            'assets': ('x-mitre-asset',), 'matrices': ('x-mitre-matrix',)}
# Fields compared per section besides name and ATT&CK ID ("edited"); lists compare as sets except
# tactic_refs. A field with a value on some active OLD object and on no NEW one, or on no OLD
# object and some active NEW one, changed with the data model: it is not an edit.
EDIT_FIELDS = {'groups': ('description', 'aliases'), 'software': ('description', 'x_mitre_aliases', 'x_mitre_platforms', 'type'),
               'mitigations': ('description',), 'campaigns': ('description', 'aliases', 'first_seen', 'last_seen'),
               'tactics': ('description', 'x_mitre_shortname'), 'data_sources': ('description', 'x_mitre_platforms'),
               'data_components': ('description', 'x_mitre_data_source_ref', 'x_mitre_log_sources'),
               'detection_strategies': ('description', 'x_mitre_analytic_refs'),
               'analytics': ('description', 'x_mitre_platforms', 'x_mitre_log_source_references'),
               'assets': ('description', 'x_mitre_platforms', 'x_mitre_sectors', 'x_mitre_related_assets'),
               'matrices': ('description', 'tactic_refs')}
ORDERED = ('tactic_refs', 'x_mitre_related_assets')
def field_value(x, f, objs):
    v = x.get(f)
    if f in ('x_mitre_data_source_ref',):
        t = objs.get(v) if v else None
        return (aid(t) or t.get('name')) if t else None
    if f in ('tactic_refs', 'x_mitre_analytic_refs'):
        return [aid(objs[r]) if r in objs else r for r in v or []] or None
    if f in ('x_mitre_log_sources',):
        return sorted('%s: %s' % (l.get('name', ''), l.get('channel', '')) for l in v or []) or None
    if f in ('x_mitre_log_source_references',):
        return sorted('%s %s: %s' % (aid(objs.get(l.get('x_mitre_data_component_ref'), {})), l.get('name', ''), l.get('channel', '')) for l in v or []) or None
    if f == 'x_mitre_related_assets':
        return json.dumps(v, sort_keys=True) if v else None
    if isinstance(v, list):
        return sorted(set(v)) if f not in ORDERED else v
    return v or None
def dedupe(objs):
    d = {}
    for x in objs:
        if x['id'] not in d or (x.get('modified') or '') > (d[x['id']].get('modified') or ''): d[x['id']] = x
    return d
def tactics_of(objs_by_id):
    # shortname order from active matrices
    order = []
    for m in objs_by_id.values():
        if m['type'] == 'x-mitre-matrix' and act(m):
            for r in m.get('tactic_refs', []):
                t = objs_by_id.get(r)
                if t and t['x_mitre_shortname'] not in order: order.append(t['x_mitre_shortname'])
    return order
def revoked_by(objs):
    rb = {}
    for x in objs.values():
        if x['type']=='relationship' and x.get('relationship_type')=='revoked-by': rb[x['source_ref']] = x['target_ref']
    return rb
def parent_of(objs):
    p = {}
    for x in objs.values():
        if x['type']=='relationship' and x.get('relationship_type')=='subtechnique-of' and act(x): p[x['source_ref']] = x['target_ref']
    return p
def counted_edges(objs):
    e = set()
    for x in objs.values():
        if x['type'] != 'relationship': continue
        s, t = objs.get(x.get('source_ref')), objs.get(x.get('target_ref'))
        if not s or not t or not act(x): continue
        if x['relationship_type'] == 'revoked-by':
            if act(t): e.add(('revoked-by', x['source_ref'], x['target_ref']))
        elif act(s) and act(t):
            e.add((x['relationship_type'], x['source_ref'], x['target_ref']))
    return e
def diff(old_path, new_path):
    O = dedupe(load(old_path)); N = dedupe(load(new_path))
    out = {}
    rbN = revoked_by(N); pO = parent_of(O); pN = parent_of(N)
    order = tactics_of(N)
    def replacement(sid):
        cur = rbN.get(sid)
        for _ in range(16):
            if cur is None: return None
            if N[cur].get('revoked') and cur in rbN: cur = rbN[cur]
            else: break
        return cur
    for sec, types in SECTIONS.items():
        o = {k: v for k, v in O.items() if v['type'] in types}
        n = {k: v for k, v in N.items() if v['type'] in types}
        # match: STIX id first, then ATT&CK ID among the unmatched
        match = {k: k for k in o if k in n}
        un_o = {aid(v): k for k, v in o.items() if k not in match and aid(v)}
        matched_n = set(match.values())
        for k, v in n.items():
            if k in matched_n: continue
            a = aid(v)
            if a and a in un_o and un_o[a] not in match:
                match[un_o[a]] = k; matched_n.add(k)
        rev = {v: k for k, v in match.items()}
        # whole types introduced or withdrawn are one data-model change: no lists
        if (not o and any(act(v) for v in n.values())) or (any(act(v) for v in o.values()) and not any(act(v) for v in n.values())):
            out[sec] = {'whole type': [sec]}
            continue
        model = {sec: set()}
        for f in EDIT_FIELDS.get(sec, ()):
            old_with = any(act(v) and field_value(v, f, O) for v in o.values())
            new_any = any(field_value(v, f, N) for v in n.values())
            old_any = any(field_value(v, f, O) for v in o.values())
            new_with = any(act(v) and field_value(v, f, N) for v in n.values())
            if (old_with and not new_any) or (not old_any and new_with):
                model[sec].add(f)
        ids_model = not any(aid(v) for v in o.values()) and any(act(v) and aid(v) for v in n.values())
        r = collections.defaultdict(list)
        for k, v in n.items():
            if act(v) and k not in rev: r['added'].append(aid(v))
            elif act(v) and not act(o[rev[k]]): r['reactivated'].append(aid(v))
        for k, v in o.items():
            if not act(v): continue
            if k not in match: r['removed'].append(aid(v)); continue
            w = n[match[k]]
            if w.get('revoked'):
                rp = replacement(match[k]); r['revoked'].append((aid(v), aid(N[rp]) if rp else None)); continue
            if w.get('x_mitre_deprecated'): r['deprecated'].append(aid(v)); continue
            if v.get('name') != w.get('name'): r['renamed'].append((aid(w), v.get('name'), w.get('name')))
            if aid(v) != aid(w) and not ids_model: r['id_changed'].append((aid(v), aid(w)))
            if sec in EDIT_FIELDS:
                fs = [f for f in EDIT_FIELDS[sec] if f not in model.get(sec, ())
                      and field_value(v, f, O) != field_value(w, f, N)]
                if fs: r['edited'].append((aid(w) or aid(v), tuple(fs)))
            if sec == 'techniques':
                # tactics by identity (STIX id of the tactic whose shortname is the phase name)
                def ts(x, objs):
                    short = {t['x_mitre_shortname']: t['id'] for t in objs.values() if t['type'] == 'x-mitre-tactic'}
                    return sorted({short.get(p['phase_name'], p['phase_name']) for p in x.get('kill_chain_phases', [])})
                if ts(v, O) != ts(w, N): r['tactics_changed'].append(aid(w))
                if set(v.get('x_mitre_platforms', [])) != set(w.get('x_mitre_platforms', [])): r['platforms_changed'].append(aid(w))
                po = pO.get(k); pn = pN.get(match[k])
                po = match.get(po, po) if po else None  # compare by NEW STIX id of the parent
                if po != pn: r['parent_changed'].append(aid(w))
                if (v.get('description') or '') != (w.get('description') or ''): r['description_changed'].append(aid(w))
        out[sec] = {k: sorted(v, key=lambda x: str(x)) for k, v in r.items()}
    eo, en = counted_edges(O), counted_edges(N)
    add = collections.Counter(t for t, _, _ in en - eo); rem = collections.Counter(t for t, _, _ in eo - en)
    out['relationships'] = {'added': dict(add), 'removed': dict(rem), 'added_total': sum(add.values()), 'removed_total': sum(rem.values())}
    return out
def model_fields(old_path, new_path):
    """Technique fields with a value on some active OLD technique and none on any NEW one."""
    O = dedupe(load(old_path)); N = dedupe(load(new_path))
    out = {}
    for f in ('x_mitre_detection', 'x_mitre_data_sources'):
        old_with = sum(1 for x in O.values() if x['type'] == 'attack-pattern' and act(x) and x.get(f))
        new_any = any(x.get(f) for x in N.values() if x['type'] == 'attack-pattern')
        present = any(f in x for x in N.values() if x['type'] == 'attack-pattern')
        if old_with and not new_any:
            out[f] = ('emptied' if present else 'removed', old_with)
    return out


if __name__ == '__main__':
    res = diff(sys.argv[1], sys.argv[2])
    print('model fields', model_fields(sys.argv[1], sys.argv[2]))
    for sec, r in res.items():
        if sec == 'relationships': print(sec, r); continue
        print('==', sec, {k: len(v) for k, v in r.items()})
        for k, v in r.items():
            print('  ', k, v if len(v) <= 60 else v[:60] + ['...'])

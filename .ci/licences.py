import re,sys,collections
rows=[]
for line in open(sys.argv[1]):
    m=re.match(r'\s+((?:\([^)]*\) )+)(.*) \(([^:]+):([^:]+):([^ ]+) - (.*)\)$',line.rstrip())
    if not m: continue
    lic=re.findall(r'\(([^)]*)\)',m.group(1))
    rows.append((m.group(3),m.group(4),m.group(5),lic))
def norm(l):
    t=l.lower()
    if 'apache' in t: return 'Apache-2.0'
    if 'mit' in t: return 'MIT'
    if 'epl' in t: return 'EPL-2.0'
    if 'lgpl-2.1' in t: return 'LGPL-2.1'
    if 'general public license' in t: return 'GPL-2.0'
    if 'bsd-2' in t or 'bsd 2' in t: return 'BSD-2-Clause'
    if t=='the bsd license': return 'BSD-3-Clause'
    if 'go license' in t: return 'BSD-3-Clause'
    if 'public domain' in t or 'cc0' in t: return 'CC0-1.0'
    return l
groups=collections.OrderedDict()
out=[]
for g,a,v,lic in sorted(rows,key=lambda r:(r[0],r[1])):
    ls=[norm(x) for x in lic]
    key=' or '.join(dict.fromkeys(ls))
    out.append(f'| `{g}:{a}:{v}` | {key} |')
    groups.setdefault(key,[]).append(a)
print(len(rows),file=sys.stderr)
mode=sys.argv[2]
if mode=='table':
    print('| artifact | licence |\n|---|---|'); print('\n'.join(out))
else:
    for k in sorted(groups,key=lambda k:-len(groups[k])):
        print(f'- **{k}** ({len(groups[k])}): '+', '.join(groups[k]))

"""Makes kubernetes-validate's JSON schemas usable by kubeconform offline.

The package's schemas carry `$id: https://kubernetes.io/api/...` and refer to `/api/_definitions.json`, so a
validator resolves every `$ref` to a kubernetes.io URL (a network fetch). Without `$id` and with the reference
made relative, the references resolve to the `_definitions.json` beside each file.
    python convert-kubernetes-schemas.py <kubernetes-validate schema dir> <output dir>
"""

import json
import os
import sys

source, target = sys.argv[1], sys.argv[2]
os.makedirs(target, exist_ok=True)
for name in os.listdir(source):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(source, name), encoding="utf-8") as handle:
        schema = json.load(handle)
    schema.pop("$id", None)
    text = json.dumps(schema, separators=(",", ":")).replace('"/api/_definitions.json#', '"_definitions.json#')
    with open(os.path.join(target, name), "w", encoding="utf-8") as handle:
        handle.write(text)

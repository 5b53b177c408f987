"""The rooms of the breaking-change gate, `scripts/api-diff` (its entry: `scripts/lib/api_diff.py`).

- `rules`: the catalogue (rule ids, severities, sides, descriptions) and the findings that cite it.
- `spec_half`: the spec compared by direction of data flow, from the operations down to each schema.
- `python_half`: the generated packages' public Python API (griffe, plus the model field
  annotations griffe does not compare), generating both sides afresh when generated/ is stale.
- `report`: the verdict and its rendering as text, Markdown or JSON (and the catalogue's).
- `repository`: where things are in the repository, and reading it at a commit (git).
"""

"""A deliberately plain Django + django-ninja project: the baseline for bench_tree.py.

One model, one POST endpoint that validates Taolun's TenantIn payload and inserts a row
(materialised path and depth computed from the parent, unique (parent, code)), and one GET
endpoint answering a stored static JSON document. Served by waitress exactly as
``taolun serve`` is.
"""

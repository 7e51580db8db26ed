"""A deliberately plain Django + django-ninja project: the fair baselines of the benchmarks.

* bench_tree.py: one POST endpoint that validates Taolun's TenantIn payload and inserts a
  node (materialised path and depth computed from the parent, unique (parent, code)).
* bench_campaign.py: the campaign feature as a team without event sourcing would build it
  (models.py): the same bearer-token authentication and subtree access check, activities
  with their links written straight to their table (``POST /activities``, Taolun's own
  pure validation rules), progress and the red-branches list computed on read with
  aggregate queries over the subtree (progress.py). ``python -m plain_orm.load spec.json``
  loads the same synthetic city the benchmark gave Taolun.
* Both: ``GET /doc`` answers a stored static JSON document (the first bar for reads).

Served by waitress exactly as ``taolun serve`` is (serve.py).
"""

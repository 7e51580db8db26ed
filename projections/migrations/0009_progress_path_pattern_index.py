from django.db import migrations

INDEX = "progress_campaign_path_pattern"


def create(apps, schema_editor):
    # PostgreSQL only: LIKE 'path%' (``path__under``) can use a btree index only under the
    # C collation or with a pattern operator class; SQLite answers the same query as a
    # byte range from the existing (campaign_id, path) index (projections/subtree.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON projections_progressrow "
                              "(campaign_id, path varchar_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    """A subtree of one campaign's progress rows (a recount, the children of a node, a
    report) read through an index on PostgreSQL, not by filtering every row of the campaign."""

    dependencies = [
        ('projections', '0008_task_assignments'),
    ]

    operations = [migrations.RunPython(create, drop)]

"""No models. The module's presence makes `migrate` send post_migrate for this app, which creates
the database cache's table (apps.py)."""

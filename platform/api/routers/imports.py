"""Importing 实施方案 documents into campaign drafts."""

from ninja import Router

router = Router(tags=["imports 导入"])

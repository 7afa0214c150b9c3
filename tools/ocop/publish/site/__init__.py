"""The public website: the Registry → generated pages (build/docs) → MkDocs + Material → Pagefind."""

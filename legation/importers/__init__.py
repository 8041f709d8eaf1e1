"""Sources of records beyond the interchange files: each reads its source and hands plain records to
`legation.registry.imports.import_records`, the one way into the store (docs/architecture.md)."""

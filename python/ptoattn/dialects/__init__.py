"""Python op classes of ptoattn's dialects, generated from their ODS definitions."""

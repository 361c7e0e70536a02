"""Action plans as spreadsheets: exported as XLSX or CSV, for a plan or one task group, and
imported back with a preview of exactly what will change."""

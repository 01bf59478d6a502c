"""The lab file: its schema, YAML reading with positions, variables, validation rules."""

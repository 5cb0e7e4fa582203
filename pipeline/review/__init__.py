"""Review tools: align two runs record by record (diff) and render a run as a self-contained HTML page (review)."""

"""A bench-only Django site: the product plus constant views to compare pages against."""

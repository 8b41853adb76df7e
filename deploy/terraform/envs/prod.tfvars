# Prod: three zones with a NAT gateway each, Multi-AZ stores, deletion protection, 14 days of point-in-time
# recovery, immutable image tags.
environment           = "prod"
production            = true
vpc_cidr              = "10.20.0.0/16"
backup_retention_days = 14
enabled_services      = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]
# The office/VPN and CI runner ranges that may reach the EKS API (operator-provided).
api_public_access_cidrs = ["203.0.113.0/24"]
media_cors_origins      = ["https://app.diaspora.example"]
sizing = {
  az_count             = 3
  node_instance_types  = ["m6i.large"]
  node_capacity_type   = "ON_DEMAND"
  node_min             = 3
  node_max             = 12
  postgres_class       = "db.m7g.large"
  cache_node_type      = "cache.m7g.large"
  documentdb_class     = "db.r6g.large"
  search_instance_type = "m6g.large.search"
  store_instances      = 3
}

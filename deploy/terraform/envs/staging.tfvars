# Staging: production's shape (three zones, every service) at smaller sizes, without deletion protection;
# deployed from main by .github/workflows/deploy.yml.
environment           = "staging"
production            = false
vpc_cidr              = "10.30.0.0/16"
backup_retention_days = 3
enabled_services      = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]
# The office/VPN and CI runner ranges that may reach the EKS API (operator-provided).
api_public_access_cidrs = ["203.0.113.0/24"]
media_cors_origins      = ["https://staging.app.diaspora.example"]
sizing = {
  az_count             = 3
  node_instance_types  = ["m6i.large"]
  node_capacity_type   = "SPOT"
  node_min             = 3
  node_max             = 6
  postgres_class       = "db.t4g.medium"
  cache_node_type      = "cache.t4g.small"
  documentdb_class     = "db.t4g.medium"
  search_instance_type = "t3.medium.search"
  store_instances      = 1
}

# Dev: two zones, one NAT gateway, single-instance stores on small classes and spot nodes, nothing protected.
environment           = "dev"
production            = false
vpc_cidr              = "10.10.0.0/16"
backup_retention_days = 1
# Every service the Helm umbrella enables (deploy/helm/diaspora/values.yaml; scripts/check-deploy.sh compares).
enabled_services        = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]
api_public_access_cidrs = ["0.0.0.0/0"]
media_cors_origins      = ["http://localhost:3000"]
sizing = {
  az_count             = 2
  node_instance_types  = ["t3.large"]
  node_capacity_type   = "SPOT"
  node_min             = 2
  node_max             = 4
  postgres_class       = "db.t4g.micro"
  cache_node_type      = "cache.t4g.micro"
  documentdb_class     = "db.t4g.medium"
  search_instance_type = "t3.small.search"
  store_instances      = 1
}

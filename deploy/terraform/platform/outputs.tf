output "cluster_name" {
  description = "EKS cluster: aws eks update-kubeconfig --name <cluster_name> --region <region>."
  value       = module.eks.cluster_name
}

output "postgres" {
  description = "Per service: host, port, database, master user (password in postgres_secret_arns)."
  value       = module.rds.endpoints
}

output "postgres_secret_arns" {
  description = "Per service: Secrets Manager secret of the master password."
  value       = module.rds.master_user_secret_arns
}

output "cache_secret_arn" {
  description = "Secrets Manager secret holding CACHE_URL (becomes Kubernetes Secret diaspora-cache)."
  value       = module.elasticache.secret_arn
}

output "documentdb_secret_arn" {
  description = "Secrets Manager secret holding MONGO_URL, when content or integration is enabled."
  value       = one(module.documentdb[*].secret_arn)
}

output "opensearch_endpoint" {
  description = "OpenSearch endpoint (the search service's SEARCH_URL = https://<user>:<password>@<endpoint>), when search is enabled."
  value       = one(module.opensearch[*].endpoint)
}

output "media_bucket" {
  description = "Media bucket name."
  value       = module.media.bucket_name
}

output "ecr_repository_urls" {
  description = "Per service: ECR repository URL (global.image.registry is the part before /<name>-service)."
  value       = { for name, repo in aws_ecr_repository.service : name => repo.repository_url }
}

output "service_role_arns" {
  description = "Per service: IRSA role for <name>.serviceAccount.annotations.eks.amazonaws.com/role-arn in the Helm values."
  value       = { for name, role in aws_iam_role.service : name => role.arn }
}

output "storage_url" {
  description = "STORAGE_URL of content and messaging (Helm values-<environment>.yaml): the media bucket with its region."
  value       = "s3://${module.media.bucket_name}?region=${var.region}"
}

output "redis_primary_endpoint" {
  description = "ElastiCache primary endpoint: Kong's redis rate-limiting host (gateway.kong.redis.host)."
  value       = module.elasticache.primary_endpoint
}

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
  description = "OpenSearch endpoint (ELASTICSEARCH_URL = https://<endpoint>), when search is enabled."
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

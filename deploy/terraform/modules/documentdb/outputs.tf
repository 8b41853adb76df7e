output "endpoint" {
  description = "Cluster (writer) endpoint."
  value       = aws_docdb_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint."
  value       = aws_docdb_cluster.this.reader_endpoint
}

output "port" {
  description = "Port."
  value       = aws_docdb_cluster.this.port
}

output "secret_arn" {
  description = "Secrets Manager secret with username, password and MONGO_URL."
  value       = aws_secretsmanager_secret.this.arn
}

output "security_group_id" {
  description = "Security group of the cluster."
  value       = aws_security_group.this.id
}

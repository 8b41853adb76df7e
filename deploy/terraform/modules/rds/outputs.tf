output "endpoints" {
  description = "Per service: host, port and database name."
  value = {
    for service, db in aws_db_instance.this : service => {
      host     = db.address
      port     = db.port
      database = db.db_name
      username = db.username
    }
  }
}

output "master_user_secret_arns" {
  description = "Per service: Secrets Manager secret holding the master password (build DATABASE_URL from it)."
  value       = { for service, db in aws_db_instance.this : service => db.master_user_secret[0].secret_arn }
}

output "security_group_id" {
  description = "Security group of the instances."
  value       = aws_security_group.this.id
}

# The platform of one environment (dev, staging, prod): one root module, sized by envs/<environment>.tfvars.
#   terraform init -backend-config=../envs/<environment>.backend.hcl
#   terraform apply -var-file=../envs/<environment>.tfvars
# Data stores appear as services are enabled (var.enabled_services, the services the Helm umbrella enables).
locals {
  name         = "diaspora-${var.environment}"
  all_services = ["user", "event", "content", "messaging", "notification", "payment", "search", "integration", "admin"]
  needs_mongo  = length(setintersection(var.enabled_services, ["content", "integration"])) > 0
  needs_search = contains(var.enabled_services, "search")
  node_sg_ids  = [module.eks.node_security_group_id]
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "main" {
  description             = "${local.name}: EKS secrets, databases, cache, search, S3, Secrets Manager"
  enable_key_rotation     = true
  deletion_window_in_days = var.production ? 30 : 7
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

module "vpc" {
  source = "../modules/vpc"

  name               = local.name
  cidr               = var.vpc_cidr
  az_count           = var.sizing.az_count
  single_nat_gateway = !var.production
  cluster_name       = local.name
}

module "eks" {
  source = "../modules/eks"

  name                 = local.name
  subnet_ids           = module.vpc.private_subnet_ids
  kms_key_arn          = aws_kms_key.main.arn
  public_access_cidrs  = var.api_public_access_cidrs
  admin_principal_arns = var.admin_principal_arns
  node_instance_types  = var.sizing.node_instance_types
  node_capacity_type   = var.sizing.node_capacity_type
  node_min_size        = var.sizing.node_min
  node_max_size        = var.sizing.node_max
  node_desired_size    = var.sizing.node_min
  log_retention_days   = var.production ? 90 : 14
}

module "rds" {
  source = "../modules/rds"

  name                       = local.name
  services                   = var.enabled_services
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_class             = var.sizing.postgres_class
  allocated_storage_gb       = var.production ? 50 : 20
  max_allocated_storage_gb   = var.production ? 500 : 100
  multi_az                   = var.production
  backup_retention_days      = var.backup_retention_days
  deletion_protection        = var.production
  performance_insights       = var.production
}

module "elasticache" {
  source = "../modules/elasticache"

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  node_type                  = var.sizing.cache_node_type
  num_cache_clusters         = var.production ? 2 : 1
  snapshot_retention_days    = var.production ? 7 : 0
}

module "documentdb" {
  source = "../modules/documentdb"
  count  = local.needs_mongo ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_class             = var.sizing.documentdb_class
  instance_count             = var.sizing.store_instances
  backup_retention_days      = var.backup_retention_days
  deletion_protection        = var.production
}

module "opensearch" {
  source = "../modules/opensearch"
  count  = local.needs_search ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_type              = var.sizing.search_instance_type
  instance_count             = var.sizing.store_instances
  volume_size_gb             = var.production ? 100 : 20
}

module "media" {
  source = "../modules/s3"

  bucket_name          = "${local.name}-media-${data.aws_caller_identity.current.account_id}"
  kms_key_arn          = aws_kms_key.main.arn
  cors_allowed_origins = var.media_cors_origins
  force_destroy        = !var.production
}

# Images of every service (repository <name>-service), so enabling one needs no infrastructure change.
resource "aws_ecr_repository" "service" {
  for_each = toset(local.all_services)

  name                 = "diaspora/${each.key}-service"
  image_tag_mutability = var.production ? "IMMUTABLE" : "MUTABLE" # prod: a deployed tag never changes underneath
  force_delete         = !var.production

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

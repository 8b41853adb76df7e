# Dev: two zones, one NAT gateway, single-instance data stores, no deletion protection. Data stores
# appear as services are enabled (var.enabled_services), mirroring the Helm values.
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
  deletion_window_in_days = 7
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}

module "vpc" {
  source = "../../modules/vpc"

  name               = local.name
  cidr               = var.vpc_cidr
  az_count           = 2
  single_nat_gateway = true
  cluster_name       = local.name
}

module "eks" {
  source = "../../modules/eks"

  name                 = local.name
  subnet_ids           = module.vpc.private_subnet_ids
  kms_key_arn          = aws_kms_key.main.arn
  public_access_cidrs  = var.api_public_access_cidrs
  admin_principal_arns = var.admin_principal_arns
  node_instance_types  = ["t3.large"]
  node_capacity_type   = "SPOT"
  node_min_size        = 2
  node_max_size        = 4
  node_desired_size    = 2
  log_retention_days   = 7
}

module "rds" {
  source = "../../modules/rds"

  name                       = local.name
  services                   = var.enabled_services
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_class             = "db.t4g.micro"
  multi_az                   = false
  backup_retention_days      = 1
  deletion_protection        = false
}

module "elasticache" {
  source = "../../modules/elasticache"

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  node_type                  = "cache.t4g.micro"
  num_cache_clusters         = 1
  snapshot_retention_days    = 0
}

module "documentdb" {
  source = "../../modules/documentdb"
  count  = local.needs_mongo ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_count             = 1
  backup_retention_days      = 1
}

module "opensearch" {
  source = "../../modules/opensearch"
  count  = local.needs_search ? 1 : 0

  name                       = local.name
  vpc_id                     = module.vpc.vpc_id
  subnet_ids                 = module.vpc.private_subnet_ids
  allowed_security_group_ids = local.node_sg_ids
  kms_key_arn                = aws_kms_key.main.arn
  instance_count             = 1
}

module "media" {
  source = "../../modules/s3"

  bucket_name          = "${local.name}-media-${data.aws_caller_identity.current.account_id}"
  kms_key_arn          = aws_kms_key.main.arn
  cors_allowed_origins = var.media_cors_origins
  force_destroy        = true
}

# Images of every service (repository <name>-service), so enabling one needs no infrastructure change.
resource "aws_ecr_repository" "service" {
  for_each = toset(local.all_services)

  name                 = "diaspora/${each.key}-service"
  image_tag_mutability = "MUTABLE" # dev reuses the `dev` tag
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

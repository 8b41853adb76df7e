# One IAM role per service (IRSA): assumable only by that service's ServiceAccount (<name>-service in the
# release namespace), so a compromised pod holds its own service's rights and no other's. Services without
# AWS calls get a role with no policy (the annotation stays uniform; add rights here, never to the nodes).
locals {
  namespace   = coalesce(var.kubernetes_namespace, "diaspora-${var.environment}")
  oidc_issuer = replace(module.eks.oidc_issuer_url, "https://", "")

  # The media bucket's key prefixes each service writes (services/content: posts/…, services/messaging:
  # messages/…): each role reaches its own prefix only.
  media_prefixes = {
    content   = "posts"
    messaging = "messages"
  }
}

data "aws_iam_policy_document" "assume" {
  for_each = toset(var.enabled_services)

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [module.eks.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${local.namespace}:${each.key}-service"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "service" {
  for_each = toset(var.enabled_services)

  name               = "${local.name}-${each.key}-service"
  assume_role_policy = data.aws_iam_policy_document.assume[each.key].json
}

data "aws_iam_policy_document" "media" {
  for_each = { for name, prefix in local.media_prefixes : name => prefix if contains(var.enabled_services, name) }

  statement {
    sid       = "OwnPrefixObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${module.media.bucket_arn}/${each.value}/*"]
  }
  # HeadBucket (the readiness check) is authorized by s3:ListBucket; listing is narrowed to the prefix.
  statement {
    sid       = "ReadinessAndOwnPrefixListing"
    actions   = ["s3:ListBucket"]
    resources = [module.media.bucket_arn]
    condition {
      test     = "StringLikeIfExists"
      variable = "s3:prefix"
      values   = ["${each.value}/*"]
    }
  }
  # The bucket is SSE-KMS with the platform key: writing and reading objects needs these on it.
  statement {
    sid       = "BucketKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "media" {
  for_each = data.aws_iam_policy_document.media

  name   = "media-bucket"
  role   = aws_iam_role.service[each.key].id
  policy = each.value.json
}

// The AWS Secrets Manager client, pinned. Only src/config/aws_secrets.ts reads secrets with
// it; the tests' moto helper also creates them (CreateSecretCommand).
export {
  CreateSecretCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "npm:@aws-sdk/client-secrets-manager@3.1162.0";

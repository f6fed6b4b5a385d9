// The AWS Secrets Manager client, pinned. Only src/config/aws_secrets.ts reads secrets with
// it; the tests' moto helper also creates them (CreateSecretCommand).
// _process_env.ts must run first: the SDK reads variables outside AWS_SDK_ENV (some as it
// loads), which must read as unset, not throw, under the task's scoped --allow-env. It is
// loaded only for a run that uses Secrets Manager, so the Kafka client (which imports the
// same module) may not have been loaded yet.
import "./_process_env.ts";
export {
  CreateSecretCommand,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "npm:@aws-sdk/client-secrets-manager@3.1162.0";

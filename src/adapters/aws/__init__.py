"""AWS adapters: S3, SQS, DynamoDB, Transcribe and Bedrock."""

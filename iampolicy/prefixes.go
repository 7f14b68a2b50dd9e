package iampolicy

// servicePrefixes names AWS service prefixes (the part of an action before
// the colon) beyond the services the table covers. The linter uses it only
// to tell a misspelt prefix from a service aiguard does not know: a prefix
// missing here draws a warning, or an error when it is one typo away from a
// known prefix. Hand-kept; add names as AWS launches services.
const servicePrefixes = `
a4b access-analyzer account acm acm-pca activate aiops airflow amplify amplifybackend amplifyuibuilder aoss
apigateway app-integrations appconfig appfabric appflow application-autoscaling application-cost-profiler
application-signals application-transformation applicationinsights appmesh appmesh-preview apprunner appstream
appstudio appsync aps arc-region-switch arc-zonal-shift arsenal artifact athena auditmanager autoscaling
autoscaling-plans aws-marketplace aws-marketplace-management aws-portal awsconnector b2bi backup backup-gateway
backup-search backup-storage batch bcm-dashboards bcm-data-exports bcm-pricing-calculator bcm-recommended-actions
bedrock bedrock-agentcore bedrock-mantle billing billingconductor braket budgets bugbust cases cassandra ce
chatbot chime cleanrooms cleanrooms-ml cloud9 clouddirectory cloudformation cloudfront cloudfront-keyvaluestore
cloudhsm cloudsearch cloudshell cloudtrail cloudtrail-data cloudwatch codeartifact codebuild codecatalyst
codecommit codeconnections codedeploy codedeploy-commands-secure codeguru codeguru-profiler codeguru-reviewer
codeguru-security codepipeline codestar codestar-connections codestar-notifications codewhisperer
cognito-identity cognito-idp cognito-sync comprehend comprehendmedical compute-optimizer config connect
connect-campaigns consoleapp consolidatedbilling controlcatalog controltower cost-optimization-hub cur
customer-verification-service databrew dataexchange datapipeline datasync datazone dax dbqms deadline
deepcomposer deepracer detective devicefarm devops-guru directconnect discovery dlm dms docdb-elastic drs ds
ds-data dsql dynamodb ebs ec2 ec2-instance-connect ec2messages ecr ecr-public ecs eks eks-auth elastic-inference
elasticache elasticbeanstalk elasticfilesystem elasticloadbalancing elasticmapreduce elastictranscoder
elemental-activations elemental-appliances-software elemental-support-cases elemental-support-content
emr-containers emr-serverless entityresolution es events evidently evs execute-api finspace finspace-api
firehose fis fms forecast frauddetector freertos freetier fsx gamelift gameliftstreams geo glacier
globalaccelerator glue grafana greengrass groundstation groundtruthlabeling guardduty health healthlake
honeycode iam identity-sync identitystore identitystore-auth imagebuilder importexport inspector inspector-scan
inspector2 internetmonitor invoicing iot iot-device-tester iotanalytics iotdeviceadvisor iotevents iotfleethub
iotfleetwise iotjobsdata iotmanagedintegrations iotsitewise iottwinmaker iotwireless iq iq-permission ivs
ivschat kafka kafka-cluster kafkaconnect kendra kendra-ranking kinesis kinesisanalytics kinesisvideo kms
lakeformation lambda launchwizard lex license-manager license-manager-linux-subscriptions
license-manager-user-subscriptions lightsail logs lookoutequipment lookoutmetrics lookoutvision m2
machinelearning macie2 managedblockchain managedblockchain-query mapcredits marketplacecommerceanalytics
mechanicalturk mediaconnect mediaconvert mediaimport medialive mediapackage mediapackage-vod mediapackagev2
mediastore mediatailor medical-imaging memorydb mgh mgn migrationhub-orchestrator migrationhub-strategy
mobileanalytics mobiletargeting monitron mpa mq neptune-db neptune-graph network-firewall networkflowmonitor
networkmanager networkmanager-chat networkmonitor nimble notifications notifications-contacts oam
observabilityadmin omics one opensearch opsworks opsworks-cm organizations osis outposts panorama
partnercentral partnercentral-account-management payment-cryptography payments pca-connector-ad
pca-connector-scep pcs personalize pi pipes polly pricing private-networks profile proton purchase-orders q
qapps qbusiness qdeveloper qldb quicksight ram rbin rds rds-data rds-db redshift redshift-data
redshift-serverless refactor-spaces rekognition repostspace resiliencehub resource-explorer resource-explorer-2
resource-groups rhelkb robomaker rolesanywhere route53 route53-recovery-cluster route53-recovery-control-config
route53-recovery-readiness route53domains route53profiles route53resolver rum s3 s3-object-lambda s3-outposts
s3express s3tables s3vectors sagemaker sagemaker-data-science-assistant sagemaker-geospatial
sagemaker-groundtruth-synthetic sagemaker-mlflow savingsplans scheduler schemas scn sdb secretsmanager
security-ir securityhub securitylake serverlessrepo servicecatalog servicediscovery servicequotas ses shield
signer signin simspaceweaver sms sms-voice snow-device-management snowball sns social-messaging sqlworkbench sqs
ssm ssm-contacts ssm-guiconnect ssm-incidents ssm-quicksetup ssm-sap ssmmessages sso sso-directory sso-oauth
states storagegateway sts support supportapp supportplans supportrecommendations sustainability swf synthetics
tag tax textract thinclient timestream timestream-influxdb tiros tnb transcribe transfer translate
trustedadvisor ts user-subscriptions vendor-insights verified-access verifiedpermissions voiceid vpc-lattice
vpc-lattice-svcs waf waf-regional wafv2 wam wellarchitected wickr wisdom workdocs worklink workmail
workmailmessageflow workspaces workspaces-instances workspaces-web xray
`

// rcpServices are the service prefixes resource control policies apply to:
// the AWS Organizations RCP page as of 2026-09-26 (62 prefixes). At launch
// (2024-11) the list held only s3, sts, kms, sqs and secretsmanager. Not
// included: sagemaker, bedrock, rekognition.
const rcpServices = `
appstream dsql clouddirectory cloudfront cloudsearch logs networkmonitor cognito-identity cognito-idp
comprehend comprehendmedical firehose dynamodb dax autoscaling ecr ecr-public gamelift inspector-scan kendra
kinesisvideo memorydb aoss personalize polly s3 swf sqs textract timestream-influxdb transcribe translate
workspaces appconfig autoscaling-plans budgets servicediscovery cloudtrail-data codeartifact codebuild
codecommit codepipeline compute-optimizer cost-optimization-hub events fms fis health rolesanywhere kms
opensearch pricing pca-connector-ad resource-groups secretsmanager sts signin support transfer notifications
wafv2 xray
`

# What `sam build` runs (template.yaml: `Metadata: BuildMethod: makefile`): one `build-<Id>` target per function,
# in a copy of this directory, with ARTIFACTS_DIR set to that function's build folder. It builds the Lambda
# package only: the functions module's `package` without its tests (and the testing module it names, compiled);
# the tests are `./mvnw verify`.
#
# The package has the layout of functions/target/video-links-lambda.zip, which `./mvnw verify` checks (DeployableIT):
# target/classes, the SDK's CloudFront signing classes and the HTTP API event classes (the pom's
# `cloudfront-signing` and `api-events` executions) at the root, the runtime jars of `lambda-lib` in lib/.
#
# The Maven wrapper by default, as for the tests; `MVN=mvn sam build` uses the Maven on the PATH instead.

MVN ?= ./mvnw
# Maven runs for seconds, three times (SAM never shares a makefile build between functions): for so short a
# run, C1 alone compiles less and finishes sooner.
export MAVEN_OPTS := $(MAVEN_OPTS) -XX:TieredStopAtLevel=1

build-VideoCompletionFunction build-VideoUrlFunction build-WebhookRedeliveryFunction:
	$(if $(ARTIFACTS_DIR),,$(error ARTIFACTS_DIR is not set: sam build sets it; by hand, make $@ ARTIFACTS_DIR=/tmp/package))
	$(MVN) --batch-mode --quiet -pl functions -am -Dmaven.test.skip=true clean package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp -R functions/target/classes/. "$(ARTIFACTS_DIR)/"
	cp -R functions/target/lambda/cloudfront-signing/. "$(ARTIFACTS_DIR)/"
	cp -R functions/target/lambda/api-events/. "$(ARTIFACTS_DIR)/"
	cp functions/target/lambda/lib/*.jar "$(ARTIFACTS_DIR)/lib/"

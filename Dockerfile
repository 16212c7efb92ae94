# Build stage: Maven with JDK 17 builds the one fat jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE, fonts for the digest charts (CJK too: a digest named 财务周报 gets a readable title), curl for
# the health check, a non-root user.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core fonts-noto-cjk curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin budgetbot \
 && mkdir -p /app/data /app/config \
 && chown -R budgetbot /app
WORKDIR /app
COPY --from=build /src/target/budgetbot.jar /app/budgetbot.jar
# The example; mount your own config folder over /app/config (a folder, not the file: hot reload does not see
# edits made through a bind mount of a single file, since editors replace the file and the mount keeps the old one).
COPY rules.yml /app/config/rules.yml
ENV BUDGETBOT_CONFIG=/app/config/rules.yml \
    BUDGETBOT_HEALTH_URL=http://127.0.0.1:9464/healthz \
    JAVA_TOOL_OPTIONS="-Djava.awt.headless=true -XX:MaxRAMPercentage=75"
# state.url defaults to ./data/budgetbot: mount a volume here to keep alert state across restarts
VOLUME /app/data
# server.listen: the config must say 0.0.0.0:9464 for Prometheus outside the container to reach it
EXPOSE 9464
USER budgetbot
# /healthz needs server.listen in the config (the port of BUDGETBOT_HEALTH_URL); 503 and no answer are unhealthy.
# The start period covers migrations and the first checks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "$BUDGETBOT_HEALTH_URL" || exit 1
# SIGTERM (docker stop) lets running checks finish: give it a grace period, e.g. docker stop -t 120
STOPSIGNAL SIGTERM
ENTRYPOINT ["java","-jar","/app/budgetbot.jar"]
CMD ["run"]

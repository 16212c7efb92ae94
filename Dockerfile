# Build stage: Maven with JDK 17 builds the one fat jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE, fonts for the digest charts, a non-root user.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin budgetbot \
 && mkdir -p /app/data /app/config \
 && chown -R budgetbot /app
WORKDIR /app
COPY --from=build /src/target/budgetbot.jar /app/budgetbot.jar
COPY rules.yml /app/config/rules.yml
ENV BUDGETBOT_CONFIG=/app/config/rules.yml \
    JAVA_TOOL_OPTIONS="-Djava.awt.headless=true -XX:MaxRAMPercentage=75"
# state.url defaults to ./data/budgetbot: mount a volume here to keep alert state across restarts
VOLUME /app/data
USER budgetbot
ENTRYPOINT ["java","-jar","/app/budgetbot.jar"]
CMD ["run"]

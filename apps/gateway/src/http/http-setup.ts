import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { createValidationPipe } from '@parley/platform';
import { ApiDocument } from '../api-docs/api-document.js';
import type { GatewayConfig } from '../gateway.config.js';

/** The gateway's HTTP edge: security headers, cookies, body limit, validation, CORS and Swagger. */
export function configureGatewayHttp(app: NestExpressApplication, config: GatewayConfig): void {
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(cookieParser());
  app.useBodyParser('json', { limit: config.BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT, extended: false });
  app.useGlobalPipes(createValidationPipe());
  const origins = config.CORS_ORIGINS === '*' ? true : config.CORS_ORIGINS.split(',').map((origin) => origin.trim());
  app.enableCors({ origin: origins, credentials: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley API')
      .setDescription('Team chat, support inbox, SMS and email threads, marketplace threads.')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('access_token')
      .build(),
  );
  SwaggerModule.setup('swagger', app, document, { jsonDocumentUrl: 'swagger/json', yamlDocumentUrl: 'swagger/yaml' });
  app.get(ApiDocument).set(document);
}

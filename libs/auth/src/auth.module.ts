import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard, ScopesGuard } from './guards.js';
import { JwtStrategy } from './jwt.strategy.js';

/** HTTP authentication: every route needs a valid JWT unless @Public(), and the scopes it names. */
@Module({
  imports: [PassportModule],
  providers: [JwtStrategy, { provide: APP_GUARD, useClass: JwtAuthGuard }, { provide: APP_GUARD, useClass: ScopesGuard }],
})
export class AuthModule {}

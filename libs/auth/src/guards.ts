import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCodes, type Actor } from '@parley/contracts';
import { Public, PUBLIC_KEY } from '@parley/platform';

const SCOPES_KEY = 'parley:scopes';

export { Public };

/** The scopes a route needs; the token must carry every one. */
export const RequireScopes = (...scopes: string[]): MethodDecorator & ClassDecorator => SetMetadata(SCOPES_KEY, scopes);

/** The authenticated caller of an HTTP request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest<{ user: Actor }>().user;
});

/** Requires a valid JWT on every route not marked @Public(); a missing or bad token is a 401. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error || !user) {
      if (error instanceof AppError) throw error;
      const reason = info instanceof Error ? info.message : 'missing access token';
      throw new AppError(ErrorCodes.Unauthenticated, 401, `Authentication required: ${reason}`);
    }
    return user;
  }
}

/** Refuses, with a 403, a caller whose token lacks a scope the route requires. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [context.getHandler(), context.getClass()]);
    if (!required?.length) return true;
    const actor = context.switchToHttp().getRequest<{ user?: Actor }>().user;
    const missing = required.filter((scope) => !actor?.scopes.includes(scope));
    if (missing.length > 0) throw AppError.forbidden(`This needs the scope ${missing.join(', ')}`);
    return true;
  }
}

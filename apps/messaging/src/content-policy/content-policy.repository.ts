import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { ContentPolicyView, ContentRule } from '@parley/contracts';
import { ContentPolicy } from '@parley/database';

const ALLOW_ALL: Omit<ContentPolicyView, 'updated'> = { phones: 'allow', emails: 'allow', links: 'allow' };

/** Accounts' content policies (`accounts.content_policies`); an account without one allows everything. */
@Injectable()
export class ContentPolicyRepository {
  constructor(@InjectModel(ContentPolicy.name) private readonly policies: Model<ContentPolicy>) {}

  async of(accountId: string): Promise<ContentPolicyView> {
    return (await this.ofAccounts([accountId])).get(accountId) as ContentPolicyView;
  }

  /** The policies of several accounts at once (a batch of sends), each with the defaults filled in. */
  async ofAccounts(accountIds: string[]): Promise<Map<string, ContentPolicyView>> {
    const found = await this.policies.find({ _id: { $in: [...new Set(accountIds)] } }).lean<ContentPolicy[]>();
    const byAccount = new Map(found.map((policy) => [policy._id, policy]));
    return new Map(
      accountIds.map((accountId) => {
        const policy = byAccount.get(accountId);
        return [
          accountId,
          policy
            ? { phones: policy.phones, emails: policy.emails, links: policy.links, updated: policy.updated.toISOString() }
            : { ...ALLOW_ALL, updated: null },
        ];
      }),
    );
  }

  /** Changes the kinds given, keeping the others. */
  async set(accountId: string, rules: Partial<Record<'phones' | 'emails' | 'links', ContentRule>>): Promise<ContentPolicyView> {
    const updated = await this.policies
      // A new policy starts from the schema's defaults (allow) for the kinds not given.
      .findOneAndUpdate({ _id: accountId }, { $set: rules }, { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true })
      .lean<ContentPolicy>();
    return { phones: updated!.phones, emails: updated!.emails, links: updated!.links, updated: updated!.updated.toISOString() };
  }
}

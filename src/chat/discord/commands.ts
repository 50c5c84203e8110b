/**
 * Discord slash-command definitions and the mapping from an interaction back to the
 * shared command text. Config changes live in a separate command whose default member
 * permission is Manage Server; the handler checks the permission again.
 */
import { PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';

export function commandDefinitions(): unknown[] {
  const main = new SlashCommandBuilder()
    .setName('storywatch')
    .setDescription('New developments of the tracked story')
    .addSubcommand((s) => s.setName('latest').setDescription('The last alerts').addIntegerOption((o) => o.setName('n').setDescription('How many (1-20)').setMinValue(1).setMaxValue(20)))
    .addSubcommand((s) => s.setName('ask').setDescription('Ask what is known: a one-line answer, quotes and sources')
      .addStringOption((o) => o.setName('question').setDescription('Your question').setRequired(true).setMaxLength(500))
      .addBooleanOption((o) => o.setName('share').setDescription('Post the answer in the channel (default: only you see it)')))
    .addSubcommand((s) => s.setName('timeline').setDescription("The story's developments in date order").addStringOption((o) => o.setName('since').setDescription('e.g. 2025-05-01, last week, May 2025')))
    .addSubcommand((s) => s.setName('status').setDescription('Feeds, last poll, failures, queue depth'))
    .addSubcommand((s) => s.setName('explain').setDescription('Why an article was or was not alerted').addStringOption((o) => o.setName('url').setDescription('Article URL').setRequired(true)))
    .addSubcommand((s) => s.setName('digest').setDescription('What changed since a date').addStringOption((o) => o.setName('since').setDescription('YYYY-MM-DD or Nd (default 7d)')))
    .addSubcommand((s) => s.setName('stories').setDescription('The stories tracked here, and which this channel follows'))
    .addSubcommandGroup((g) => g.setName('watch').setDescription('Watch terms').addSubcommand((s) => s.setName('list').setDescription("This channel's watch terms")))
    .addSubcommandGroup((g) => g.setName('feeds').setDescription('Feeds').addSubcommand((s) => s.setName('list').setDescription("This channel's feeds")));
  const config = new SlashCommandBuilder()
    .setName('storywatch-config')
    .setDescription("Change this channel's storywatch settings (Manage Server)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('follow').setDescription("Get this story's alerts here").addStringOption((o) => o.setName('story').setDescription('story id, see /storywatch stories').setRequired(true).setMaxLength(80)))
    .addSubcommand((s) => s.setName('unfollow').setDescription("Stop this story's alerts here").addStringOption((o) => o.setName('story').setDescription('story id, as listed').setRequired(true).setMaxLength(80)))
    .addSubcommandGroup((g) => g.setName('watch').setDescription('Watch terms')
      .addSubcommand((s) => s.setName('add').setDescription('Add a word, "phrase" or /regex/').addStringOption((o) => o.setName('term').setDescription('word, "phrase" or /regex/').setRequired(true).setMaxLength(100)))
      .addSubcommand((s) => s.setName('remove').setDescription('Remove a watch term').addStringOption((o) => o.setName('term').setDescription('as listed').setRequired(true))))
    .addSubcommandGroup((g) => g.setName('feeds').setDescription('Feeds')
      .addSubcommand((s) => s.setName('add').setDescription('Add an RSS/Atom feed').addStringOption((o) => o.setName('url').setDescription('http(s) URL').setRequired(true)))
      .addSubcommand((s) => s.setName('remove').setDescription('Remove a feed').addStringOption((o) => o.setName('url').setDescription('as listed').setRequired(true))));
  return [main.toJSON(), config.toJSON()];
}

/** The shared command text for an interaction, e.g. "watch add lithium". */
export function interactionText(i: ChatInputCommandInteraction): string {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(false) ?? '';
  if (group) return [group, sub, i.options.getString('term') ?? i.options.getString('url') ?? ''].join(' ').trim();
  if (sub === 'ask') return `ask ${i.options.getBoolean('share') ? '--share ' : ''}${i.options.getString('question') ?? ''}`.trim();
  const arg = i.options.getInteger('n') ?? i.options.getString('url') ?? i.options.getString('since') ?? i.options.getString('story') ?? '';
  return `${sub} ${arg}`.trim();
}

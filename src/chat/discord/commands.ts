/**
 * Discord slash-command definitions and the mapping from an interaction back to the
 * shared command text. Config changes live in a separate command whose default member
 * permission is Manage Server; the handler checks the permission again.
 */
import { ApplicationCommandOptionType, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction, type CommandInteractionOption } from 'discord.js';

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
    .addSubcommand((s) => s.setName('help').setDescription('What each command does'))
    .addSubcommandGroup((g) => g.setName('watch').setDescription('Watch terms').addSubcommand((s) => s.setName('list').setDescription("This channel's watch terms")))
    .addSubcommandGroup((g) => g.setName('feeds').setDescription('Feeds').addSubcommand((s) => s.setName('list').setDescription("This channel's feeds")));
  const config = new SlashCommandBuilder()
    .setName('storywatch-config')
    .setDescription("Change this channel's storywatch settings (Manage Server)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('follow').setDescription("Get this story's alerts here").addStringOption((o) => o.setName('story').setDescription('story id, see /storywatch stories').setRequired(true).setMaxLength(80)))
    .addSubcommand((s) => s.setName('unfollow').setDescription("Stop this story's alerts here").addStringOption((o) => o.setName('story').setDescription('story id, as listed').setRequired(true).setMaxLength(80)))
    .addSubcommand((s) => s.setName('track').setDescription('A new story drafted from a few article pages; this channel follows it')
      .addStringOption((o) => o.setName('story').setDescription('new story id: lower-case letters, digits, dashes').setRequired(true).setMaxLength(63))
      .addStringOption((o) => o.setName('urls').setDescription('article page URLs about the story, separated by spaces').setRequired(true).setMaxLength(2000)))
    .addSubcommandGroup((g) => g.setName('watch').setDescription('Watch terms')
      .addSubcommand((s) => s.setName('add').setDescription('Add a word, "phrase", /regex/ or an AND / OR / NOT query').addStringOption((o) => o.setName('term').setDescription('word, "phrase", /regex/, or terms joined by AND, OR, NOT').setRequired(true).setMaxLength(200)))
      .addSubcommand((s) => s.setName('remove').setDescription('Remove a watch term').addStringOption((o) => o.setName('term').setDescription('as listed').setRequired(true))))
    .addSubcommandGroup((g) => g.setName('feeds').setDescription('Feeds')
      .addSubcommand((s) => s.setName('add').setDescription('Add an RSS/Atom feed').addStringOption((o) => o.setName('url').setDescription('http(s) URL').setRequired(true)))
      .addSubcommand((s) => s.setName('remove').setDescription('Remove a feed').addStringOption((o) => o.setName('url').setDescription('as listed').setRequired(true))))
    .addSubcommand((s) => s.setName('mute').setDescription('No alerts or follow-ups of a development (or the story) here')
      .addStringOption((o) => o.setName('target').setDescription('development id (on each alert) or story id').setRequired(true).setMaxLength(120))
      .addStringOption((o) => o.setName('for').setDescription('e.g. 2h, 1d (default: until unmuted)').setMaxLength(10)))
    .addSubcommand((s) => s.setName('unmute').setDescription('Undo a mute').addStringOption((o) => o.setName('target').setDescription('as muted').setRequired(true).setMaxLength(120)))
    .addSubcommand((s) => s.setName('pause').setDescription("Stop this channel's alerts").addStringOption((o) => o.setName('for').setDescription('e.g. 2h, 1d (default: until resumed)').setMaxLength(10)))
    .addSubcommand((s) => s.setName('resume').setDescription("Restart this channel's alerts"))
    .addSubcommandGroup((g) => g.setName('notify').setDescription('Mention a role on new developments')
      .addSubcommand((s) => s.setName('set').setDescription('Mention this role on new-development alerts (never follow-ups)')
        .addRoleOption((o) => o.setName('role').setDescription('the role').setRequired(true))
        .addNumberOption((o) => o.setName('min-confidence').setDescription('only alerts at least this confident (0-1)').setMinValue(0).setMaxValue(1)))
      .addSubcommand((s) => s.setName('off').setDescription('Mention no one')))
    .addSubcommandGroup((g) => g.setName('digest').setDescription('Scheduled digest')
      .addSubcommand((s) => s.setName('schedule').setDescription('Post a digest of the period here')
        .addStringOption((o) => o.setName('when').setDescription('daily 08:00 Europe/Kyiv | weekly mon 08:00 UTC | off').setRequired(true).setMaxLength(80))));
  return [main.toJSON(), config.toJSON()];
}

/** Options written before their value in the command text: `for 2h`, `min-confidence 0.8`. */
const NAMED = new Set(['for', 'min-confidence']);

/** The options of the subcommand itself (inside its group, if any). */
function leafOptions(options: readonly CommandInteractionOption[]): readonly CommandInteractionOption[] {
  const nested = options.find((o) => o.type === ApplicationCommandOptionType.SubcommandGroup || o.type === ApplicationCommandOptionType.Subcommand);
  return nested ? leafOptions(nested.options ?? []) : options;
}

/** The shared command text for an interaction, e.g. "watch add lithium", "mute dev-1 for 2h". */
export function interactionText(i: ChatInputCommandInteraction): string {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(false) ?? '';
  if (sub === 'ask') return `ask ${i.options.getBoolean('share') ? '--share ' : ''}${i.options.getString('question') ?? ''}`.trim();
  const leaf = leafOptions(i.options.data);
  const value = (o: CommandInteractionOption) => (o.type === ApplicationCommandOptionType.Role ? `<@&${String(o.value)}>` : String(o.value ?? ''));
  const positional = leaf.filter((o) => !NAMED.has(o.name)).map(value);
  const named = leaf.filter((o) => NAMED.has(o.name)).map((o) => `${o.name} ${value(o)}`);
  const head = group === 'notify' ? ['notify', ...(sub === 'off' ? ['off'] : [])] : [group ?? '', sub];
  return [...head, ...positional, ...named].filter(Boolean).join(' ').trim();
}

/** Whether a slow answer is for the channel (ask share:true), decided before it is known. */
export function sharedReply(i: ChatInputCommandInteraction): boolean {
  return i.options.getSubcommand(false) === 'ask' && i.options.getBoolean('share') === true;
}

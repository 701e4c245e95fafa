package dev.perfgate.sut.db;

/**
 * The words and weights the seeder draws from: cities, vendor categories and their budget shares, the wedding
 * season, names, task titles, review texts; and the data's "today" ({@link Seeder#ANCHOR}) as a day and a second.
 */
final class SeedVocabulary {
    static final long ANCHOR_DAY = Seeder.ANCHOR.toEpochDay();
    static final long ANCHOR_SECOND = Seeder.ANCHOR.atStartOfDay().toEpochSecond(java.time.ZoneOffset.UTC);

    private SeedVocabulary() {
    }

    static final String[] CITIES = {"Austin", "Boston", "Chicago", "Denver", "Nashville", "New York", "Los Angeles",
        "San Diego", "San Francisco", "Seattle", "Portland", "Miami", "Atlanta", "Charleston", "Savannah",
        "New Orleans", "Phoenix", "Dallas", "Houston", "Philadelphia", "Minneapolis", "Napa", "Asheville",
        "Santa Barbara", "Washington"};
    static final String[] CATEGORIES = {"venue", "catering", "photography", "videography", "florist", "music",
        "officiant", "cake", "attire", "beauty", "transport", "rentals", "stationery"};
    /** Share of a wedding budget per category, in the order of {@link #CATEGORIES}. */
    static final double[] BUDGET_SHARE = {0.34, 0.24, 0.09, 0.05, 0.06, 0.05, 0.01, 0.02, 0.07, 0.03, 0.02,
        0.02, 0.02};
    /** Vendors per category, relative. */
    static final double[] CATEGORY_WEIGHT = {10, 9, 12, 5, 8, 8, 3, 4, 6, 6, 3, 4, 3};
    static final double[] MONTH_WEIGHT = {2, 3, 4, 6, 10, 14, 10, 10, 14, 15, 6, 6};
    static final String[] FIRST = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah",
        "Isabella", "James", "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail",
        "Alexander", "Emily", "Mason", "Ella", "Michael", "Scarlett", "Ethan", "Grace", "Daniel", "Chloe", "Jacob",
        "Camila", "Logan", "Priya", "Mateo", "Aisha", "Hiro", "Fatima", "Diego", "Leila", "Sven", "Ingrid", "Kofi",
        "Yara", "Omar", "Mei", "Ravi", "Nadia", "Tomas", "Zoe", "Ezra"};
    static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
        "Flores", "Patel", "Kim", "Okafor", "Schmidt", "Rossi", "Novak", "Silva", "Tanaka", "Kowalski", "Dubois"};
    static final String[] ORG_WORDS = {"Golden", "Ivory", "Evergreen", "Silver", "Blossom", "Harbor",
        "Willow", "Velvet", "Lantern", "Juniper", "Meadow", "Coastal", "Northern", "Magnolia", "Cedar", "Aurora"};
    static final String[] ORG_NOUNS = {"Events", "Weddings", "Celebrations", "Occasions", "Planning Co",
        "Studio", "Collective", "& Co"};
    static final String[] VENDOR_WORDS = {"Bloom", "Oak", "Stone", "Lumen", "Fable", "Crest", "Maple",
        "Rose", "Tide", "Ember", "Linen", "Saffron", "Brook", "Sparrow", "Vale", "Copper"};
    static final String[] TASKS = {"Book the venue", "Hire a photographer", "Choose a caterer",
        "Send save-the-dates", "Book the florist", "Book music", "Order the cake", "Buy attire",
        "Send invitations", "Plan seating chart", "Confirm vendors", "Final menu tasting", "Book hair and makeup",
        "Arrange transport", "Finalize timeline", "Rehearsal dinner"};
    /** Days before the wedding each task falls due, in the order of {@link #TASKS}. */
    static final int[] TASK_OFFSET = {360, 300, 270, 240, 210, 200, 120, 150, 90, 30, 14, 45, 60, 40, 10, 2};
    static final String[] REVIEW_TEXT = {"Wonderful to work with, would book again.",
        "Responsive and professional from start to finish.", "Good value, a few hiccups on the day.",
        "Exceeded every expectation.", "Communication could have been better.",
        "Our guests are still talking about it.", "Arrived late but made up for it.",
        "Flexible with our last-minute changes.", "Not what we were promised.", "Absolutely perfect."};
    static final String[] DIETARY = {"vegetarian", "vegan", "gluten-free", "nut allergy", "halal", "kosher"};
    static final String[] NOTE_KINDS = {"task_due", "payment_due", "rsvp", "booking", "message"};
    static final String[] PAYMENT_METHODS = {"card", "transfer", "transfer", "check", "cash"};
}
